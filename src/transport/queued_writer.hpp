// Writes a connection's OutboundQueue to its stream: at most one write in flight, each one a gather
// write of everything queued meanwhile. Shared by the streaming transports (SSE, WebSocket).
#pragma once
#include <chrono>
#include <memory>

#include <boost/asio/write.hpp>

#include "transport/outbound_queue.hpp"

namespace herald {

class QueuedWriter {
 public:
  using Clock = std::chrono::steady_clock;
  // A write that makes no progress for this long means the client stopped reading.
  static constexpr auto kStallLimit = std::chrono::seconds(30);

  explicit QueuedWriter(std::size_t max_bytes) : queue(max_bytes), last_write_(Clock::now()) {}

  OutboundQueue queue;

  // Starts a write of everything queued unless one is running or nothing is queued. When it ends,
  // `(owner.get()->*on_written)(error)` runs; it usually calls flush() again.
  template <typename Stream, typename Owner>
  void flush(Stream& stream, const std::shared_ptr<Owner>& owner, void (Owner::*on_written)(boost::system::error_code)) {
    if (queue.writing() || queue.empty()) return;
    write_started_ = Clock::now();
    boost::asio::async_write(stream, queue.begin_write(),
                             [this, owner, on_written](boost::system::error_code error, std::size_t) {
                               queue.end_write();
                               last_write_ = Clock::now();
                               (owner.get()->*on_written)(error);
                             });
  }

  bool stalled(Clock::time_point now) const { return queue.writing() && now - write_started_ > kStallLimit; }
  Clock::time_point last_write() const { return last_write_; }

 private:
  Clock::time_point last_write_;
  Clock::time_point write_started_;
};

}  // namespace herald
