// The Redis protocol (RESP2) without sockets, through hiredis: commands formatted as Redis expects them,
// and replies parsed from bytes as they arrive, into plain values.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;

namespace herald::redis {

struct Reply {
  enum class Type { string, array, integer, nil, status, error };
  Type type = Type::nil;
  std::string text;  // string, status and error replies
  long long integer = 0;
  std::vector<Reply> elements;  // array replies

  bool is_error() const { return type == Type::error; }
  bool is_array() const { return type == Type::array; }
  bool is_nil() const { return type == Type::nil; }
};

// The bytes of one command: each argument sent as given (binary safe).
std::string format_command(const std::vector<std::string_view>& args);

class ReplyReader {
 public:
  ReplyReader();
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  // Adds bytes read from the connection.
  void feed(const char* data, std::size_t size);
  // The next complete reply, or nullopt when more bytes are needed or the stream is not RESP (failed()).
  std::optional<Reply> next();
  bool failed() const { return failed_; }
  // Why the stream is not RESP.
  std::string error() const;

 private:
  redisReader* reader_;
  bool failed_ = false;
};

}  // namespace herald::redis
