// Writes a connection's OutboundQueue to its stream: at most one write in flight, each one a gather
// write of everything queued meanwhile, started by the worker's flush pass when corked. Each write is a
// single write_some, so the queue always knows how much the kernel took. Shared by the streaming
// transports (SSE, WebSocket).
#pragma once
#include <boost/system/error_code.hpp>
#include <chrono>
#include <memory>

#include "runtime/outbound_queue.hpp"
#include "runtime/worker.hpp"

namespace herald {

class QueuedWriter {
 public:
  using Clock = std::chrono::steady_clock;
  // A write that makes no progress for this long means the client stopped reading: long enough for a
  // reader on a slow or congested link, short enough not to hold a dead connection's queue for long.
  static constexpr auto kStallLimit = std::chrono::seconds(30);

  explicit QueuedWriter(std::size_t max_bytes) : queue(max_bytes), last_write_(Clock::now()) {}

  OutboundQueue queue;

  // Starts a write of what is queued unless one is running or nothing is queued. When it ends,
  // `(owner.get()->*on_written)(error)` runs; it calls flush() again for whatever is left.
  template <typename Stream, typename Owner>
  void flush(Stream& stream, const std::shared_ptr<Owner>& owner,
             void (Owner::*on_written)(boost::system::error_code)) {
    if (queue.writing() || queue.empty()) return;
    write_started_ = Clock::now();
    stream.async_write_some(queue.begin_write(),
                            [this, owner, on_written](boost::system::error_code error, std::size_t written) {
                              queue.end_write(written);
                              if (written > 0) last_write_ = Clock::now();
                              (owner.get()->*on_written)(error);
                            });
  }

  // Corking (Worker::flush_soon): asks the worker for one flush pass for this connection, at most once
  // until that pass has run and the owner's flush_now() called flush_request_served(). The worker is told
  // when this connection's last write started, so that it holds back only connections that get output
  // often.
  void request_flush(Worker& worker, std::shared_ptr<Flushable> owner) {
    if (flush_requested_) return;
    flush_requested_ = true;
    worker.flush_soon(std::move(owner), write_started_);
  }
  void flush_request_served() { flush_requested_ = false; }

  // A write is running and the kernel has taken nothing for kStallLimit.
  bool stalled(Clock::time_point now) const { return queue.writing() && now - write_started_ > kStallLimit; }
  // When bytes last went out.
  Clock::time_point last_write() const { return last_write_; }

 private:
  Clock::time_point last_write_;
  Clock::time_point write_started_;
  bool flush_requested_ = false;
};

}  // namespace herald
