// One subscriber thread: an epoll loop that owns a share of the subscribers, opens them gradually (a
// bounded number connecting at once), drives their sockets and publishes progress counters that the
// main thread reads while it waits. A slow loop (read_every > 0) handles its sockets' events at most once
// per read_every and sleeps between, so data piles up in the kernel as it does for distant readers.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

#include "clock.hpp"
#include "loop_context.hpp"
#include "subscriber.hpp"

namespace bench {

struct LoopProgress {
  std::atomic<std::uint64_t> ready{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> fresh_deliveries{0};
};

class SubscriberLoop {
 public:
  SubscriberLoop(std::vector<Subscriber> subscribers, std::uint64_t expected_deliveries, int max_connecting,
                 Deadline deadline, SteadyClock::duration read_every = {});
  ~SubscriberLoop();
  SubscriberLoop(const SubscriberLoop&) = delete;
  SubscriberLoop& operator=(const SubscriberLoop&) = delete;

  void start();
  void stop();  // asks the thread to close every connection and return; joins it
  const LoopProgress& progress() const { return progress_; }

  // Valid after stop().
  const LoopContext& context() const { return ctx_; }
  const std::vector<Subscriber>& subscribers() const { return subscribers_; }

 private:
  void run();
  void open_more();
  void publish_progress();
  void pace(Deadline& next_pass) const;
  bool slow() const { return read_every_ > SteadyClock::duration::zero(); }

  std::vector<Subscriber> subscribers_;
  int max_connecting_;
  Deadline deadline_;
  SteadyClock::duration read_every_;
  std::size_t opened_ = 0;
  LoopContext ctx_;
  LoopProgress progress_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace bench
