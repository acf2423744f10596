// What a connection still has to send: references to shared, pre-encoded message bytes plus the few
// bytes of its own (SSE ids, heartbeats). Bounded in bytes; written with one gather write for
// everything queued (corking), so a burst of messages costs one system call per connection.
#pragma once
#include <boost/asio/buffer.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/encoded_message.hpp"

namespace herald {

class OutboundQueue {
 public:
  static constexpr std::size_t kMaxBuffersPerWrite = 512;

  explicit OutboundQueue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Queues bytes that live in `owner` (a shared message). False, and nothing queued, when the queue
  // would exceed its bound.
  bool push(MessagePtr owner, std::string_view bytes);
  // Queues bytes the queue keeps itself. `force` ignores the bound (for the last words of a stream).
  bool push(std::string bytes, bool force = false);
  // Queues bytes that outlive the queue (string literals).
  bool push_static(std::string_view bytes);

  bool empty() const { return entries_.size() == head_ + in_flight_; }
  bool writing() const { return in_flight_ > 0; }
  std::size_t queued_bytes() const { return queued_bytes_; }

  // Buffers of the next gather write, which covers everything queued (up to kMaxBuffersPerWrite).
  const std::vector<boost::asio::const_buffer>& begin_write();
  // The write of begin_write() finished: forget its entries.
  void end_write();
  // Drops what is queued but not being written.
  void drop_unwritten();

 private:
  // Bytes in a shared message or a literal (`bytes`), or kept by the entry itself (`owned`).
  struct Entry {
    MessagePtr owner;
    std::string owned;
    std::string_view bytes;
    std::string_view view() const { return bytes.data() != nullptr ? bytes : std::string_view(owned); }
  };
  static constexpr std::size_t kKeptCapacity = 2;

  bool fits(std::size_t size) const { return queued_bytes_ + size <= max_bytes_; }
  void release_storage();

  std::size_t max_bytes_;
  std::size_t queued_bytes_ = 0;
  std::vector<Entry> entries_;  // [head_, head_ + in_flight_) is being written
  std::size_t head_ = 0;
  std::size_t in_flight_ = 0;
  std::vector<boost::asio::const_buffer> buffers_;
};

}  // namespace herald
