// HTTP/1.1 responses read incrementally from a RecvBuffer: the head (status and the few headers the
// benchmark needs, as views into the buffer) and the body framing (Content-Length, chunked, or until
// the connection closes), dechunked in place into the buffer's body region.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "recv_buffer.hpp"

namespace bench {

struct ResponseHead {
  int status = 0;
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  bool connection_close = false;
  std::string_view last_modified;  // views into the buffer: copy before reading more
  std::string_view etag;
};

enum class ParseStatus { need_more, done, error };

// Parses a complete head at the start of buf.raw() and drops it. need_more when "\r\n\r\n" is not there.
ParseStatus parse_response_head(RecvBuffer& buf, ResponseHead& head, std::size_t max_head = 16384);

class BodyDecoder {
 public:
  // Framing from the head; `no_body` for 1xx/204/304 and upgrades.
  void start(const ResponseHead& head, bool no_body);
  // Moves decoded bytes from raw to body. done once the whole body is there (never for until-close).
  ParseStatus decode(RecvBuffer& buf);
  bool until_close() const { return mode_ == Mode::until_close; }

 private:
  enum class Mode { none, length, chunked, until_close };
  enum class Chunk { size_line, data, data_end, trailer };
  ParseStatus decode_chunked(RecvBuffer& buf);

  Mode mode_ = Mode::none;
  Chunk chunk_ = Chunk::size_line;
  std::uint64_t remaining_ = 0;
};

}  // namespace bench
