// A connection's receive buffer, decoded in place. Layout of the one allocation:
//   [0, body_begin)          free (already consumed)
//   [body_begin, body_end)   decoded body bytes the consumer has not taken yet (dechunked HTTP body,
//                            reassembled WebSocket message)
//   [body_end, raw_begin)    hole left by framing bytes that were dropped (chunk sizes, frame headers)
//   [raw_begin, raw_end)     received bytes not decoded yet
// Decoders move raw bytes into the body (a pointer move when there is no hole, else a memmove) and the
// consumer takes complete units from the body. Nothing is allocated per message: the buffer only
// grows (doubling, up to a bound) when one unit does not fit.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

namespace bench {

class RecvBuffer {
 public:
  explicit RecvBuffer(std::size_t initial_capacity = 8192, std::size_t max_capacity = 8u << 20);

  // Room to receive into: compacts, then grows when less than `min_free` bytes are left.
  // Empty span when the bound is reached.
  std::span<char> writable(std::size_t min_free = 2048);
  void commit(std::size_t n) { raw_end_ += n; }

  std::string_view raw() const { return {data_.get() + raw_begin_, raw_end_ - raw_begin_}; }
  char* raw_data() { return data_.get() + raw_begin_; }
  void drop_raw(std::size_t n) { raw_begin_ += n; }
  void raw_to_body(std::size_t n);

  std::string_view body() const { return {data_.get() + body_begin_, body_end_ - body_begin_}; }
  char* body_data() { return data_.get() + body_begin_; }
  void consume_body(std::size_t n) { body_begin_ += n; }

  void clear() { body_begin_ = body_end_ = raw_begin_ = raw_end_ = 0; }
  std::size_t capacity() const { return capacity_; }

 private:
  void compact();

  std::unique_ptr<char[]> data_;
  std::size_t capacity_;
  std::size_t max_capacity_;
  std::size_t body_begin_ = 0, body_end_ = 0, raw_begin_ = 0, raw_end_ = 0;
};

}  // namespace bench
