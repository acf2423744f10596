// In-place receive buffer (see recv_buffer.hpp).
#include "recv_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace bench {

RecvBuffer::RecvBuffer(std::size_t initial_capacity, std::size_t max_capacity)
    : data_(new char[initial_capacity]), capacity_(initial_capacity), max_capacity_(max_capacity) {}

void RecvBuffer::raw_to_body(std::size_t n) {
  if (body_end_ != raw_begin_) std::memmove(data_.get() + body_end_, data_.get() + raw_begin_, n);
  body_end_ += n;
  raw_begin_ += n;
}

void RecvBuffer::compact() {
  std::size_t body = body_end_ - body_begin_;
  std::size_t raw = raw_end_ - raw_begin_;
  if (body_begin_ != 0) std::memmove(data_.get(), data_.get() + body_begin_, body);
  if (raw_begin_ != body) std::memmove(data_.get() + body, data_.get() + raw_begin_, raw);
  body_begin_ = 0;
  body_end_ = body;
  raw_begin_ = body;
  raw_end_ = body + raw;
}

std::span<char> RecvBuffer::writable(std::size_t min_free) {
  if (body_begin_ == body_end_ && raw_begin_ == raw_end_) clear();
  if (capacity_ - raw_end_ >= min_free) return {data_.get() + raw_end_, capacity_ - raw_end_};
  compact();
  if (capacity_ - raw_end_ < min_free && capacity_ < max_capacity_) {
    std::size_t grown = std::min(capacity_ * 2, max_capacity_);
    std::unique_ptr<char[]> bigger(new char[grown]);
    std::memcpy(bigger.get(), data_.get(), raw_end_);
    data_ = std::move(bigger);
    capacity_ = grown;
  }
  return {data_.get() + raw_end_, capacity_ - raw_end_};
}

}  // namespace bench
