// Timed tasks on one thread (see task_timer.hpp).
#include "cli/task_timer.hpp"

namespace herald::cli {

TaskTimer::TaskTimer() : thread_([this] { run(); }) {}

TaskTimer::~TaskTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void TaskTimer::after(Clock::duration delay, Task task) {
  {
    std::lock_guard lock(mutex_);
    entries_.push(Entry{Clock::now() + delay, next_order_++, std::move(task)});
  }
  changed_.notify_all();
}

void TaskTimer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (entries_.empty()) {
      changed_.wait(lock);
      continue;
    }
    if (Clock::now() < entries_.top().due) {
      changed_.wait_until(lock, entries_.top().due);
      continue;
    }
    Task task = entries_.top().task;
    entries_.pop();
    lock.unlock();
    task();  // without the lock: it may call after()
    lock.lock();
  }
}

}  // namespace herald::cli
