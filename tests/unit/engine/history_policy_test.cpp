// The history bounds a channel gets: the rule with the longest prefix of its name, else the defaults.
#include "engine/history_policy.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

ChannelLimits limits_with(std::vector<HistoryRule> rules) {
  ChannelLimits limits;
  limits.history_size = 1000;
  limits.history_ttl_ms = 600'000;
  limits.history_rules = std::move(rules);
  return limits;
}

void expect_limits(const HistoryPolicy& policy, std::string_view channel, std::size_t size,
                   std::int64_t ttl_ms) {
  HistoryLimits limits = policy.limits_of(channel);
  EXPECT_EQ(limits.size, size) << channel;
  EXPECT_EQ(limits.ttl_ms, ttl_ms) << channel;
}

TEST(HistoryPolicy, WithoutRulesEveryChannelGetsTheDefaults) {
  HistoryPolicy policy(limits_with({}));
  expect_limits(policy, "room", 1000, 600'000);
  expect_limits(policy, "", 1000, 600'000);
}

TEST(HistoryPolicy, TheLongestMatchingPrefixWinsWhateverTheOrder) {
  HistoryPolicy policy(limits_with({{"a", 1, 10}, {"a:b:", 3, 30}, {"a:", 2, 20}, {"z", 9, 90}}));
  expect_limits(policy, "a:b:c", 3, 30);
  expect_limits(policy, "a:b:", 3, 30);
  expect_limits(policy, "a:bc", 2, 20);
  expect_limits(policy, "ab", 1, 10);
  expect_limits(policy, "z", 9, 90);
  expect_limits(policy, "b:a:b:", 1000, 600'000);  // a prefix matches only at the start
  expect_limits(policy, "A:b:", 1000, 600'000);    // names are case-sensitive
}

TEST(HistoryPolicy, OfTwoRulesWithTheSamePrefixTheFirstWins) {
  HistoryPolicy policy(limits_with({{"x:", 5, 50}, {"x:", 6, 60}}));
  expect_limits(policy, "x:1", 5, 50);
}

TEST(HistoryPolicy, AnEmptyPrefixCoversEveryOtherChannel) {
  HistoryPolicy policy(limits_with({{"", 7, 70}, {"a:", 2, 20}}));
  expect_limits(policy, "b", 7, 70);
  expect_limits(policy, "a:1", 2, 20);
}

}  // namespace
}  // namespace herald
