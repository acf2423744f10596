// Signal budgets: size first, then a token bucket per connection.
#include "protocol/signaling/signal_budget.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(SignalBudget, RefusesDataOverTheSize) {
  SignalBudget budget({100, 10, 10}, 0);
  EXPECT_FALSE(budget.take(100, 0));
  auto refusal = budget.take(101, 0);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->code, "too_large");
  EXPECT_EQ(refusal->status, http::status::payload_too_large);
}

TEST(SignalBudget, BurstThenRate) {
  SignalBudget budget({1000, 2, 3}, 0);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(budget.take(1, 0)) << i;
  auto refusal = budget.take(1, 0);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->code, "rate_limited");
  EXPECT_EQ(refusal->status, http::status::too_many_requests);
  ASSERT_TRUE(refusal->retry_after);
  EXPECT_NEAR(*refusal->retry_after, 0.5, 1e-9);
  EXPECT_FALSE(budget.take(1, 0.5));  // one token back after half a second at 2/s
  EXPECT_TRUE(budget.take(1, 0.5));
}

TEST(SignalBudget, ZeroRateIsNoLimitAndZeroBurstIsOneSecond) {
  SignalBudget unlimited({1000, 0, 0}, 0);
  for (int i = 0; i < 10000; ++i) ASSERT_FALSE(unlimited.take(1, 0));
  SignalBudget one_second({1000, 5, 0}, 0);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(one_second.take(1, 0));
  EXPECT_TRUE(one_second.take(1, 0));
}

}  // namespace
}  // namespace herald
