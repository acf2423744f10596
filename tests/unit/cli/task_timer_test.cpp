// TaskTimer: tasks run in time order (ties in the order given), and a task can schedule the next one.
#include "cli/task_timer.hpp"

#include <gtest/gtest.h>

#include <future>

namespace herald::cli {
namespace {

using std::chrono::milliseconds;

TEST(TaskTimer, RunsTasksInTimeOrderThenInTheOrderGiven) {
  TaskTimer timer;
  std::mutex mutex;
  std::vector<int> order;
  std::promise<void> done;
  auto record = [&](int n) {
    std::lock_guard lock(mutex);
    order.push_back(n);
    if (order.size() == 4) done.set_value();
  };
  timer.after(milliseconds(60), [&] { record(4); });
  timer.after(milliseconds(20), [&] { record(2); });
  timer.after(milliseconds(20), [&] { record(3); });
  timer.after(milliseconds(0), [&] { record(1); });
  ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(TaskTimer, ATaskSchedulesTheNextAfterItsDelay) {
  TaskTimer timer;
  std::promise<TaskTimer::Clock::duration> done;
  auto start = TaskTimer::Clock::now();
  timer.after(milliseconds(10), [&] {
    timer.after(milliseconds(40), [&] { done.set_value(TaskTimer::Clock::now() - start); });
  });
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_GE(future.get(), milliseconds(50));
}

TEST(TaskTimer, TasksStillWaitingAreDroppedWhenItEnds) {
  std::atomic<bool> ran{false};
  {
    TaskTimer timer;
    timer.after(std::chrono::seconds(30), [&] { ran = true; });
  }
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace herald::cli
