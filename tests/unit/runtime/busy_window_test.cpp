// BusyWindow: "many events lately" from the counts of the current window and the one before it.
#include "runtime/busy_window.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

using namespace std::chrono_literals;
constexpr auto kWindow = std::chrono::duration_cast<BusyWindow::Clock::duration>(100ms);

TEST(BusyWindow, QuietUntilThresholdReached) {
  BusyWindow window;
  auto t0 = BusyWindow::Clock::now();
  for (int i = 0; i < 31; ++i) window.note(t0 + 1ms, kWindow);
  EXPECT_FALSE(window.busy(t0 + 2ms, kWindow, 32));
  window.note(t0 + 3ms, kWindow);
  EXPECT_TRUE(window.busy(t0 + 4ms, kWindow, 32));
}

TEST(BusyWindow, PreviousWindowKeepsItBusyThenItFades) {
  BusyWindow window;
  auto t0 = BusyWindow::Clock::now();
  for (int i = 0; i < 40; ++i) window.note(t0, kWindow);
  EXPECT_TRUE(window.busy(t0 + 150ms, kWindow, 32));   // the window before had 40
  EXPECT_FALSE(window.busy(t0 + 400ms, kWindow, 32));  // two quiet windows later
}

TEST(BusyWindow, ALongGapForgetsTheOldCount) {
  BusyWindow window;
  auto t0 = BusyWindow::Clock::now();
  for (int i = 0; i < 40; ++i) window.note(t0, kWindow);
  window.note(t0 + 500ms, kWindow);  // more than two windows later: the 40 are not "the window before"
  EXPECT_FALSE(window.busy(t0 + 501ms, kWindow, 32));
}

}  // namespace
}  // namespace herald
