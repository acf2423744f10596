// Whether a worker is busy with one kind of event: it counts the events of the current window of time
// and remembers the count of the window before, so that "many of them lately" is known at any moment
// without keeping a time per event. Long polling uses it to tell a worker answering polls by the
// hundred (where gathering a few milliseconds of messages into each answer pays) from a quiet one
// (where any wait is only latency).
#pragma once
#include <chrono>
#include <cstddef>

namespace herald {

class BusyWindow {
 public:
  using Clock = std::chrono::steady_clock;

  void note(Clock::time_point now, Clock::duration window) {
    roll(now, window);
    ++current_;
  }

  // At least `threshold` events in the current window, or in the one just before it.
  bool busy(Clock::time_point now, Clock::duration window, std::size_t threshold) {
    roll(now, window);
    return current_ >= threshold || previous_ >= threshold;
  }

 private:
  void roll(Clock::time_point now, Clock::duration window) {
    if (now - start_ < window) return;
    previous_ = now - start_ < 2 * window ? current_ : 0;
    current_ = 0;
    start_ = now;
  }

  Clock::time_point start_{};
  std::size_t current_ = 0;
  std::size_t previous_ = 0;
};

}  // namespace herald
