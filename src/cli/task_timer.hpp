// Runs functions at given times on one thread of its own, in time order (the demo backend's token
// streams and payments: each step schedules the next).
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace herald::cli {

class TaskTimer {
 public:
  using Clock = std::chrono::steady_clock;
  using Task = std::function<void()>;

  TaskTimer();
  ~TaskTimer();  // runs no more tasks: those still waiting are dropped
  TaskTimer(const TaskTimer&) = delete;
  TaskTimer& operator=(const TaskTimer&) = delete;

  // Runs `task` on the timer's thread once `delay` has passed; a task may schedule others.
  void after(Clock::duration delay, Task task);

 private:
  struct Entry {
    Clock::time_point due;
    std::uint64_t order;  // keeps tasks due at the same time in the order they were given
    Task task;
    bool operator>(const Entry& other) const {
      return due != other.due ? due > other.due : order > other.order;
    }
  };

  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> entries_;
  std::uint64_t next_order_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace herald::cli
