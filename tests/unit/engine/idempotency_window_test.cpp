// Idempotency window: lookups inside the window, expiry at its boundary, per-channel keys, the entry bound.
#include "engine/memory/idempotency_window.hpp"

#include <gtest/gtest.h>

#include <string>

namespace herald {
namespace {

const Cursor kFirst{"ep0ch000", 1};
const Cursor kSecond{"ep0ch000", 2};

TEST(IdempotencyWindow, UnknownKeyIsNotFound) {
  IdempotencyWindow window(1000, 10);
  EXPECT_FALSE(window.find("room", "k1", 0).has_value());
  EXPECT_EQ(window.size(), 0u);
}

TEST(IdempotencyWindow, FindsARememberedKeyInsideTheWindow) {
  IdempotencyWindow window(1000, 10);
  window.remember("room", "k1", kFirst, 5000);
  EXPECT_EQ(window.size(), 1u);
  EXPECT_EQ(window.find("room", "k1", 5000), kFirst);
  EXPECT_EQ(window.find("room", "k1", 5999), kFirst);
  EXPECT_FALSE(window.find("room", "k2", 5000).has_value());
}

TEST(IdempotencyWindow, KeyExpiresExactlyAtTheEndOfTheWindow) {
  IdempotencyWindow window(1000, 10);
  window.remember("room", "k1", kFirst, 5000);
  EXPECT_TRUE(window.find("room", "k1", 5999).has_value());
  EXPECT_FALSE(window.find("room", "k1", 6000).has_value());
  EXPECT_FALSE(window.find("room", "k1", 7000).has_value());
}

TEST(IdempotencyWindow, ExpireForgetsOnlyEntriesWhoseWindowPassed) {
  IdempotencyWindow window(1000, 10);
  window.remember("room", "old", kFirst, 0);
  window.remember("room", "new", kSecond, 500);
  window.expire(999);
  EXPECT_EQ(window.size(), 2u);
  window.expire(1000);
  EXPECT_EQ(window.size(), 1u);
  EXPECT_FALSE(window.find("room", "old", 0).has_value());  // gone even when asked with an early clock
  EXPECT_EQ(window.find("room", "new", 1000), kSecond);
  window.expire(1500);
  EXPECT_EQ(window.size(), 0u);
}

TEST(IdempotencyWindow, KeysAreScopedPerChannel) {
  IdempotencyWindow window(1000, 10);
  window.remember("a", "k", kFirst, 0);
  EXPECT_FALSE(window.find("b", "k", 0).has_value());
  window.remember("b", "k", kSecond, 0);
  EXPECT_EQ(window.find("a", "k", 0), kFirst);
  EXPECT_EQ(window.find("b", "k", 0), kSecond);
  EXPECT_EQ(window.size(), 2u);
}

TEST(IdempotencyWindow, ChannelAndKeyDoNotRunTogether) {
  IdempotencyWindow window(1000, 10);
  window.remember("ab", "c", kFirst, 0);
  EXPECT_FALSE(window.find("a", "bc", 0).has_value());
  EXPECT_FALSE(window.find("abc", "", 0).has_value());
}

TEST(IdempotencyWindow, WhenFullTheOldestKeyIsForgottenFirst) {
  IdempotencyWindow window(1'000'000, 3);
  window.remember("room", "k1", {"e", 1}, 10);
  window.remember("room", "k2", {"e", 2}, 20);
  window.remember("room", "k3", {"e", 3}, 30);
  EXPECT_EQ(window.size(), 3u);
  window.remember("room", "k4", {"e", 4}, 40);
  EXPECT_EQ(window.size(), 3u);
  EXPECT_FALSE(window.find("room", "k1", 40).has_value());
  EXPECT_EQ(window.find("room", "k2", 40), (Cursor{"e", 2}));
  EXPECT_EQ(window.find("room", "k4", 40), (Cursor{"e", 4}));
  window.remember("room", "k5", {"e", 5}, 50);
  EXPECT_FALSE(window.find("room", "k2", 50).has_value());
  EXPECT_TRUE(window.find("room", "k3", 50).has_value());
  EXPECT_TRUE(window.find("room", "k5", 50).has_value());
}

TEST(IdempotencyWindow, ZeroEntriesRemembersNothing) {
  IdempotencyWindow window(1000, 0);
  window.remember("room", "k", kFirst, 0);
  EXPECT_EQ(window.size(), 0u);
  EXPECT_FALSE(window.find("room", "k", 0).has_value());
}

TEST(IdempotencyWindow, RememberingAKeyAgainReplacesItsCursorAndExtendsItsWindow) {
  IdempotencyWindow window(1000, 10);
  window.remember("room", "k", kFirst, 0);
  window.remember("room", "k", kSecond, 800);
  EXPECT_EQ(window.size(), 1u);
  EXPECT_EQ(window.find("room", "k", 900), kSecond);
  // The first remember's expiry must not take the renewed entry with it.
  window.expire(1000);
  EXPECT_EQ(window.size(), 1u);
  EXPECT_EQ(window.find("room", "k", 1000), kSecond);
  EXPECT_EQ(window.find("room", "k", 1799), kSecond);
  EXPECT_FALSE(window.find("room", "k", 1800).has_value());
  window.expire(1800);
  EXPECT_EQ(window.size(), 0u);
}

TEST(IdempotencyWindow, ARenewedKeyCountsAsRecentWhenEvicting) {
  IdempotencyWindow window(1'000'000, 2);
  window.remember("room", "a", {"e", 1}, 10);
  window.remember("room", "b", {"e", 2}, 20);
  window.remember("room", "a", {"e", 3}, 30);  // a is now newer than b
  window.remember("room", "c", {"e", 4}, 40);  // full: b goes, a stays
  EXPECT_EQ(window.size(), 2u);
  EXPECT_FALSE(window.find("room", "b", 40).has_value());
  EXPECT_EQ(window.find("room", "a", 40), (Cursor{"e", 3}));
  EXPECT_EQ(window.find("room", "c", 40), (Cursor{"e", 4}));
}

TEST(IdempotencyWindow, RememberingAKeyTwiceAtTheSameTimeKeepsIt) {
  IdempotencyWindow window(1000, 2);
  window.remember("room", "a", kFirst, 0);
  window.remember("room", "a", kSecond, 0);
  EXPECT_EQ(window.size(), 1u);
  window.remember("room", "b", kFirst, 0);
  EXPECT_EQ(window.size(), 2u);
  EXPECT_EQ(window.find("room", "a", 1), kSecond);
  EXPECT_EQ(window.find("room", "b", 1), kFirst);
}

}  // namespace
}  // namespace herald
