// CatchUpProbe: waits for the worker's queue of ready work to drain, or for its longest wait.
#include "runtime/catch_up_probe.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace herald {
namespace {

using namespace std::chrono_literals;

TEST(CatchUpProbe, AnIdleWorkerHasCaughtUpAtOnce) {
  boost::asio::io_context context;
  CatchUpProbe probe(context);
  int calls = 0;
  probe.after_catching_up([&] { ++calls; }, 50ms);
  probe.after_catching_up([&] { ++calls; }, 50ms);
  EXPECT_EQ(calls, 0);  // never inside the call
  context.run();
  EXPECT_EQ(calls, 2);
}

TEST(CatchUpProbe, WaitsBehindQueuedWork) {
  boost::asio::io_context context;
  CatchUpProbe probe(context);
  int slow_handlers_run = 0;
  bool called = false;
  int run_before_call = 0;
  // Each handler takes 1 ms and queues the next: the marker keeps finding a backlog for a while.
  std::function<void(int)> slow = [&](int left) {
    std::this_thread::sleep_for(1ms);
    ++slow_handlers_run;
    if (left > 0) boost::asio::post(context, [&, left] { slow(left - 1); });
  };
  for (int i = 0; i < 3; ++i) boost::asio::post(context, [&] { slow(4); });
  probe.after_catching_up(
      [&] {
        called = true;
        run_before_call = slow_handlers_run;
      },
      1s);
  context.run();
  EXPECT_TRUE(called);
  EXPECT_EQ(slow_handlers_run, 15);
  EXPECT_GE(run_before_call, 12);  // it came after (nearly) all the backlog, not after the first handlers
}

TEST(CatchUpProbe, GivesUpAfterTheLongestWait) {
  boost::asio::io_context context;
  CatchUpProbe probe(context);
  bool called = false;
  int busy_left = 1000;
  std::function<void()> busy = [&] {
    std::this_thread::sleep_for(1ms);
    if (!called && --busy_left > 0) boost::asio::post(context, busy);
  };
  boost::asio::post(context, busy);
  boost::asio::post(context, busy);
  auto start = std::chrono::steady_clock::now();
  probe.after_catching_up([&] { called = true; }, 20ms);
  context.run();
  EXPECT_TRUE(called);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);  // far before the 1000 busy handlers
}

}  // namespace
}  // namespace herald
