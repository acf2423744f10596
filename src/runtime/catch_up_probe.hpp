// Tells when a worker has caught up with its ready work: it posts a marker and looks how long the
// marker waited in the worker's queue; while that is long, the worker is backlogged and it posts
// another. Work that may wait (long-poll answers on a worker that pollers keep saturated) asks to run
// once the worker has caught up, so that what is queued before it (publishes among them) goes first.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>
#include <vector>

namespace herald {

class CatchUpProbe {
 public:
  using Clock = std::chrono::steady_clock;
  // A marker that waited less than this in the queue finds the worker caught up.
  static constexpr Clock::duration kCaughtUp = std::chrono::microseconds(500);

  explicit CatchUpProbe(boost::asio::io_context& context) : context_(context) {}

  // Calls `done` on the worker's thread once the worker has caught up, or after `longest` at most.
  void after_catching_up(std::function<void()> done, Clock::duration longest) {
    waiting_.push_back(std::move(done));
    if (probing_) return;
    probing_ = true;
    longest_ = longest;
    probe_started_ = Clock::now();
    post_marker();
  }

 private:
  void post_marker() {
    boost::asio::post(context_, [this, posted = Clock::now()] { on_marker(posted); });
  }

  void on_marker(Clock::time_point posted) {
    auto now = Clock::now();
    if (now - posted >= kCaughtUp && now - probe_started_ < longest_) return post_marker();
    probing_ = false;
    std::vector<std::function<void()>> ready;
    ready.swap(waiting_);
    for (auto& done : ready) done();
  }

  boost::asio::io_context& context_;
  std::vector<std::function<void()>> waiting_;
  bool probing_ = false;
  Clock::duration longest_{};
  Clock::time_point probe_started_{};
};

}  // namespace herald
