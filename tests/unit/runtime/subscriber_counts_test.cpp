// Subscriber counts: the limit per channel, seats given back however they end, no counting without a
// limit, and an exact count when many threads take and give back seats at once.
#include "runtime/subscriber_counts.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace herald {
namespace {

TEST(SubscriberCounts, AChannelTakesUpToItsLimit) {
  SubscriberCounts counts;
  auto first = counts.take("room", 2);
  auto second = counts.take("room", 2);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->counted());
  EXPECT_FALSE(counts.take("room", 2).has_value());
  EXPECT_EQ(counts.count("room"), 2u);
  EXPECT_TRUE(counts.take("other", 2).has_value()) << "each channel has its own count";
}

TEST(SubscriberCounts, ASeatIsGivenBackWhenReleasedOrDestroyed) {
  SubscriberCounts counts;
  auto seat = counts.take("room", 1);
  ASSERT_TRUE(seat);
  seat->release();
  seat->release();  // once only
  EXPECT_EQ(counts.count("room"), 0u);
  {
    auto again = counts.take("room", 1);
    ASSERT_TRUE(again);
    EXPECT_FALSE(counts.take("room", 1));
  }
  EXPECT_EQ(counts.count("room"), 0u);
  EXPECT_TRUE(counts.take("room", 1));
}

TEST(SubscriberCounts, MovingASeatMovesThePlace) {
  SubscriberCounts counts;
  std::vector<SubscriberSeat> seats;
  seats.push_back(std::move(*counts.take("a", 5)));
  seats.push_back(std::move(*counts.take("b", 5)));
  seats.push_back(std::move(*counts.take("a", 5)));
  seats.erase(seats.begin());  // one of a's
  EXPECT_EQ(counts.count("a"), 1u);
  EXPECT_EQ(counts.count("b"), 1u);
  seats[0] = std::move(seats[1]);  // b's place is given back, a's moves over it
  EXPECT_EQ(counts.count("b"), 0u);
  EXPECT_EQ(counts.count("a"), 1u);
  {
    SubscriberSeat moved = std::move(seats[0]);
    seats.clear();
    EXPECT_EQ(counts.count("a"), 1u) << "held by the seat it moved to";
  }
  EXPECT_EQ(counts.count("a"), 0u);
}

TEST(SubscriberCounts, WithoutALimitNothingIsCounted) {
  SubscriberCounts counts;
  std::vector<SubscriberSeat> seats;
  for (int i = 0; i < 100; ++i) {
    auto seat = counts.take("room", 0);
    ASSERT_TRUE(seat);
    EXPECT_FALSE(seat->counted());
    seats.push_back(std::move(*seat));
  }
  EXPECT_EQ(counts.count("room"), 0u);
}

TEST(SubscriberCounts, ManyThreadsNeverExceedTheLimit) {
  SubscriberCounts counts;
  constexpr std::size_t kLimit = 3;
  std::atomic<std::size_t> holding{0};
  std::atomic<std::size_t> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto seat = counts.take("room", kLimit);
        if (!seat) continue;
        std::size_t now = ++holding;
        for (std::size_t seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        --holding;  // before the seat is given back at the end of this iteration
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(most.load(), kLimit);
  EXPECT_EQ(counts.count("room"), 0u);
}

}  // namespace
}  // namespace herald
