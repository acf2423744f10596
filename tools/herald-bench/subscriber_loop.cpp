// Subscriber thread and its epoll loop (see subscriber_loop.hpp).
#include "subscriber_loop.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>

namespace bench {

SubscriberLoop::SubscriberLoop(std::vector<Subscriber> subscribers, std::uint64_t expected_deliveries,
                               int max_connecting, Deadline deadline, SteadyClock::duration read_every)
    : subscribers_(std::move(subscribers)),
      max_connecting_(max_connecting),
      deadline_(deadline),
      read_every_(read_every) {
  ctx_.epfd = epoll_create1(EPOLL_CLOEXEC);
  ctx_.latencies_ns.reserve(expected_deliveries);
}

SubscriberLoop::~SubscriberLoop() {
  stop();
  if (ctx_.epfd >= 0) close(ctx_.epfd);
}

void SubscriberLoop::start() {
  thread_ = std::thread([this] { run(); });
}

void SubscriberLoop::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void SubscriberLoop::open_more() {
  while (opened_ < subscribers_.size() &&
         opened_ - ctx_.ready - ctx_.failed < static_cast<std::size_t>(max_connecting_)) {
    subscribers_[opened_].open(ctx_, static_cast<std::uint32_t>(opened_));
    ++opened_;
  }
}

void SubscriberLoop::publish_progress() {
  progress_.ready.store(ctx_.ready, std::memory_order_relaxed);
  progress_.failed.store(ctx_.failed, std::memory_order_relaxed);
  progress_.fresh_deliveries.store(ctx_.fresh_deliveries, std::memory_order_release);
}

// Sleeps until the next pass of a slow loop is due (never past the run's deadline).
void SubscriberLoop::pace(Deadline& next_pass) const {
  if (!slow()) return;
  next_pass = std::max(next_pass + read_every_, SteadyClock::now());
  std::this_thread::sleep_until(std::min(next_pass, deadline_));
}

void SubscriberLoop::run() {
  constexpr int batch = 512;
  epoll_event events[batch];
  Deadline next_pass = SteadyClock::now();
  while (!stop_.load(std::memory_order_relaxed) && !expired(deadline_)) {
    open_more();
    // A slow loop takes every ready socket in one pass: as many epoll_waits as it takes to see each once.
    std::size_t waits = slow() ? subscribers_.size() / batch + 1 : 1;
    for (std::size_t w = 0; w < waits; ++w) {
      int n = epoll_wait(ctx_.epfd, events, batch, slow() ? 0 : 5);
      for (int i = 0; i < n; ++i) subscribers_[events[i].data.u32].on_event(events[i].events);
      if (n < batch) break;
    }
    publish_progress();
    pace(next_pass);
  }
  for (auto& s : subscribers_) s.close_now();
  publish_progress();
}

}  // namespace bench
