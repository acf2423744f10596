// Engine completions: move-only handlers, called once, safe to move around (assignment included).
#include "engine/completion.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <vector>

namespace herald {
namespace {

TEST(Completion, CallsItsHandlerOnceWithTheOutcome) {
  int got = 0;
  Completion<int> done = [&got](int value) { got = value; };
  ASSERT_TRUE(done);
  std::move(done)(42);
  EXPECT_EQ(got, 42);
  EXPECT_FALSE(done);
}

TEST(Completion, HoldsMoveOnlyHandlers) {
  auto owned = std::make_unique<int>(7);
  int got = 0;
  Completion<int> done = [owned = std::move(owned), &got](int value) { got = value + *owned; };
  std::move(done)(1);
  EXPECT_EQ(got, 8);
}

TEST(Completion, MoveAssignmentTakesTheHandlerOver) {
  int calls = 0;
  Completion<int> first = [&calls](int) { ++calls; };
  Completion<int> second;
  second = std::move(first);
  EXPECT_FALSE(first);
  ASSERT_TRUE(second);
  std::move(second)(0);
  EXPECT_EQ(calls, 1);
}

TEST(Completion, SurvivesContainersThatMoveAndAssign) {
  std::vector<Completion<int>> held;
  std::vector<int> order;
  for (int i = 0; i < 20; ++i) held.push_back([&order, i](int) { order.push_back(i); });
  held.erase(held.begin(), held.begin() + 5);  // shifts by move assignment
  for (auto& done : held) std::move(done)(0);
  ASSERT_EQ(order.size(), 15u);
  EXPECT_EQ(order.front(), 5);
  EXPECT_EQ(order.back(), 19);
}

}  // namespace
}  // namespace herald
