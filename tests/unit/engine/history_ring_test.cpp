// History ring: eviction by count and by age, after() around the retained range, newest(), limits.
#include "engine/memory/history_ring.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/encoded_message.hpp"

namespace herald {
namespace {

MessagePtr message_at(std::uint64_t offset, std::int64_t time_ms = 1000) {
  return make_message("room", "ep0ch000", offset, time_ms, "message", std::to_string(offset));
}

// Appends offsets [first, last], the message with offset n made at time n * 10 ms.
void fill(HistoryRing& ring, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t offset = first; offset <= last; ++offset)
    ring.append(message_at(offset, static_cast<std::int64_t>(offset) * 10));
}

std::vector<std::uint64_t> offsets(const std::vector<MessagePtr>& messages) {
  std::vector<std::uint64_t> out;
  for (const auto& message : messages) out.push_back(message->offset);
  return out;
}

using Offsets = std::vector<std::uint64_t>;

TEST(HistoryRing, EmptyRing) {
  HistoryRing ring(10, 1000);
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.first_offset(), 0u);
  EXPECT_EQ(ring.last_offset(), 0u);
  EXPECT_TRUE(ring.after(0, 10).empty());
  EXPECT_TRUE(ring.newest(10).empty());
}

TEST(HistoryRing, KeepsMessagesInOrder) {
  HistoryRing ring(10, 1'000'000);
  fill(ring, 1, 3);
  EXPECT_FALSE(ring.empty());
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.first_offset(), 1u);
  EXPECT_EQ(ring.last_offset(), 3u);
  EXPECT_EQ(offsets(ring.after(0, 100)), (Offsets{1, 2, 3}));
}

TEST(HistoryRing, EvictsTheOldestBeyondMaxCount) {
  HistoryRing ring(3, 1'000'000);
  fill(ring, 1, 3);
  EXPECT_EQ(ring.size(), 3u);
  ring.append(message_at(4));
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.first_offset(), 2u);
  EXPECT_EQ(ring.last_offset(), 4u);
  fill(ring, 5, 10);
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(offsets(ring.after(0, 100)), (Offsets{8, 9, 10}));
}

TEST(HistoryRing, ZeroCountKeepsNothing) {
  HistoryRing ring(0, 1'000'000);
  fill(ring, 1, 5);
  EXPECT_TRUE(ring.empty());
  EXPECT_TRUE(ring.after(0, 10).empty());
  EXPECT_TRUE(ring.newest(10).empty());
}

TEST(HistoryRing, TrimEvictsMessagesOlderThanMaxAge) {
  HistoryRing ring(100, 25);
  fill(ring, 1, 5);  // times 10, 20, 30, 40, 50
  ring.trim(50);     // ages 40, 30, 20, 10, 0: the first two are past 25 ms
  EXPECT_EQ(offsets(ring.after(0, 100)), (Offsets{3, 4, 5}));
  EXPECT_EQ(ring.first_offset(), 3u);
  EXPECT_EQ(ring.last_offset(), 5u);
}

TEST(HistoryRing, TrimKeepsAMessageExactlyMaxAgeOld) {
  HistoryRing ring(100, 20);
  fill(ring, 1, 3);  // times 10, 20, 30
  ring.trim(30);     // ages 20, 10, 0
  EXPECT_EQ(ring.size(), 3u);
  ring.trim(31);  // the first is now 21 ms old
  EXPECT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.first_offset(), 2u);
}

TEST(HistoryRing, TrimCanEmptyTheRingAndAppendingContinues) {
  HistoryRing ring(100, 5);
  fill(ring, 1, 3);
  ring.trim(1000);
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.last_offset(), 0u);
  ring.append(message_at(4, 1000));
  EXPECT_EQ(ring.first_offset(), 4u);
  EXPECT_EQ(ring.last_offset(), 4u);
  EXPECT_EQ(offsets(ring.after(3, 10)), (Offsets{4}));
}

TEST(HistoryRing, TrimWithAnEarlierClockEvictsNothing) {
  HistoryRing ring(100, 5);
  fill(ring, 1, 3);
  ring.trim(0);
  EXPECT_EQ(ring.size(), 3u);
}

TEST(HistoryRing, AfterBelowTheFirstStartsAtTheOldestRetained) {
  HistoryRing ring(3, 1'000'000);
  fill(ring, 1, 6);  // retains 4, 5, 6
  EXPECT_EQ(offsets(ring.after(0, 100)), (Offsets{4, 5, 6}));
  EXPECT_EQ(offsets(ring.after(2, 100)), (Offsets{4, 5, 6}));
  EXPECT_EQ(offsets(ring.after(3, 100)), (Offsets{4, 5, 6}));
}

TEST(HistoryRing, AfterInsideTheRange) {
  HistoryRing ring(10, 1'000'000);
  fill(ring, 11, 15);
  EXPECT_EQ(offsets(ring.after(11, 100)), (Offsets{12, 13, 14, 15}));
  EXPECT_EQ(offsets(ring.after(13, 100)), (Offsets{14, 15}));
  EXPECT_EQ(offsets(ring.after(14, 100)), (Offsets{15}));
}

TEST(HistoryRing, AfterAtOrAboveTheLastIsEmpty) {
  HistoryRing ring(10, 1'000'000);
  fill(ring, 11, 15);
  EXPECT_TRUE(ring.after(15, 100).empty());
  EXPECT_TRUE(ring.after(16, 100).empty());
  EXPECT_TRUE(ring.after(1'000'000, 100).empty());
}

TEST(HistoryRing, AfterHonoursTheLimit) {
  HistoryRing ring(10, 1'000'000);
  fill(ring, 1, 8);
  EXPECT_EQ(offsets(ring.after(0, 3)), (Offsets{1, 2, 3}));
  EXPECT_EQ(offsets(ring.after(4, 2)), (Offsets{5, 6}));
  EXPECT_EQ(offsets(ring.after(6, 5)), (Offsets{7, 8}));
  EXPECT_TRUE(ring.after(0, 0).empty());
}

TEST(HistoryRing, AfterReturnsTheSameSharedMessages) {
  HistoryRing ring(10, 1'000'000);
  auto first = message_at(1);
  ring.append(first);
  auto out = ring.after(0, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].get(), first.get());
}

TEST(HistoryRing, NewestGivesTheLastMessagesOldestFirst) {
  HistoryRing ring(10, 1'000'000);
  fill(ring, 1, 6);
  EXPECT_EQ(offsets(ring.newest(3)), (Offsets{4, 5, 6}));
  EXPECT_EQ(offsets(ring.newest(1)), (Offsets{6}));
  EXPECT_EQ(offsets(ring.newest(6)), (Offsets{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(offsets(ring.newest(100)), (Offsets{1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(ring.newest(0).empty());
}

TEST(HistoryRing, NewestAfterEviction) {
  HistoryRing ring(4, 1'000'000);
  fill(ring, 1, 9);
  EXPECT_EQ(offsets(ring.newest(100)), (Offsets{6, 7, 8, 9}));
  EXPECT_EQ(offsets(ring.newest(2)), (Offsets{8, 9}));
}

TEST(HistoryRing, ClearForgetsEverything) {
  HistoryRing ring(10, 1'000'000);
  fill(ring, 1, 3);
  ring.clear();
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.first_offset(), 0u);
  EXPECT_TRUE(ring.newest(5).empty());
}

}  // namespace
}  // namespace herald
