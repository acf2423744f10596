// The token bucket behind the per-address rate limits, on a clock the test sets.
#include "core/token_bucket.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(TokenBucketTest, AllowsABurstThenTheRate) {
  TokenBucket bucket(/*rate=*/2, /*burst=*/3, /*now=*/100);
  EXPECT_TRUE(bucket.take(100));
  EXPECT_TRUE(bucket.take(100));
  EXPECT_TRUE(bucket.take(100));
  EXPECT_FALSE(bucket.take(100)) << "the burst is spent";
  EXPECT_DOUBLE_EQ(bucket.wait_seconds(100), 0.5);
  EXPECT_FALSE(bucket.take(100.4));
  EXPECT_TRUE(bucket.take(100.5)) << "one token after 1/rate seconds";
  EXPECT_FALSE(bucket.take(100.5));
}

TEST(TokenBucketTest, NeverHoldsMoreThanTheBurst) {
  TokenBucket bucket(10, 2, 0);
  EXPECT_TRUE(bucket.full(0));
  EXPECT_TRUE(bucket.take(0));
  EXPECT_FALSE(bucket.full(0));
  EXPECT_TRUE(bucket.full(1000));
  EXPECT_TRUE(bucket.take(1000));
  EXPECT_TRUE(bucket.take(1000));
  EXPECT_FALSE(bucket.take(1000)) << "a long pause refills only up to the burst";
}

TEST(TokenBucketTest, AClockThatGoesBackGivesNothing) {
  TokenBucket bucket(1, 1, 50);
  EXPECT_TRUE(bucket.take(50));
  EXPECT_FALSE(bucket.take(40));
  EXPECT_FALSE(bucket.take(50.5));
  EXPECT_TRUE(bucket.take(51));
}

}  // namespace
}  // namespace herald
