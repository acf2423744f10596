// What a connection still has to send: references to shared, pre-encoded message bytes plus the few
// bytes of its own (SSE ids, heartbeats, control frames). Bounded in bytes; written with one gather
// write for everything queued (corking), so a burst of messages costs one system call per connection.
// Writes may be partial: the queue knows how much of its first entry is out, so that a connection that
// must stop (a slow consumer) can drop everything the kernel has not taken yet except the rest of the
// entry already begun, and its last words still follow a whole frame or event.
#pragma once
#include <boost/asio/buffer.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/encoded_message.hpp"

namespace herald {

class OutboundQueue {
 public:
  // Buffers handed to one gather write: below the kernel's IOV_MAX (1024), and large enough that a
  // fan-out burst rarely needs a second write.
  static constexpr std::size_t kMaxBuffersPerWrite = 512;

  explicit OutboundQueue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Queues bytes that live in `owner` (a shared message). False, and nothing queued, when the queue
  // would exceed its bound.
  bool push(MessagePtr owner, std::string_view bytes);
  // Queues bytes the queue keeps itself. `force` ignores the bound (for the last words of a stream).
  bool push(std::string bytes, bool force = false);
  // Queues bytes that outlive the queue (string literals).
  bool push_static(std::string_view bytes);

  // Nothing is queued beyond what the running write covers.
  bool empty() const { return entries_.size() == head_ + in_flight_; }
  bool writing() const { return in_flight_ > 0; }
  std::size_t queued_bytes() const { return queued_bytes_; }
  bool fits(std::size_t size) const { return queued_bytes_ + size <= max_bytes_; }

  // Buffers of the next gather write: what is left of everything queued (up to kMaxBuffersPerWrite
  // entries). They stay valid until end_write().
  const std::vector<boost::asio::const_buffer>& begin_write();
  // The write of begin_write() took `written` bytes (all or part of them).
  void end_write(std::size_t written);
  // Drops everything queued that has not started to go out: entries queued from now on follow the
  // rest of an entry already begun. During a write, the entries it covers are dropped once it ends.
  void drop_unwritten();

 private:
  // Bytes in a shared message or a literal (`bytes`), or kept by the entry itself (`owned`).
  struct Entry {
    MessagePtr owner;
    std::string owned;
    std::string_view bytes;
    std::string_view view() const { return bytes.data() != nullptr ? bytes : std::string_view(owned); }
  };
  // Vectors of this capacity or less are kept when the queue empties; larger ones (from a burst) are
  // freed, so an idle connection holds no memory for past bursts.
  static constexpr std::size_t kKeptCapacity = 2;

  void consume(std::size_t written);
  // Erases the entries in [first, end) that have not started to go out.
  void drop_range(std::size_t first, std::size_t end);
  void release_storage();

  std::size_t max_bytes_;
  std::size_t queued_bytes_ = 0;
  std::vector<Entry> entries_;  // [head_, head_ + in_flight_) is being written
  std::size_t head_ = 0;
  std::size_t head_sent_ = 0;  // bytes of entries_[head_] already written
  std::size_t in_flight_ = 0;
  std::size_t drop_until_ = 0;  // after the write: drop unstarted entries before this index (0: none)
  std::vector<boost::asio::const_buffer> buffers_;
};

}  // namespace herald
