// The engine contract (engine/engine.hpp), checked for every engine: offsets, epochs, history and its
// gaps, idempotency, limits, watching and live delivery, threads. An engine joins by adding a kind to
// EngineKinds.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <set>
#include <string>
#include <thread>

#include "engine/engine_factory.hpp"
#include "engine_harness.hpp"
#include "redis_test_server.hpp"

namespace herald {
namespace {
using testing::offsets;
using testing::Offsets;
using testing::Workers;

bool is_epoch(const std::string& epoch) {
  if (epoch.size() != 8) return false;
  for (char c : epoch)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

// An engine kind: its configuration, whether it runs here, and whether it bounds the number of channels
// (history.max_channels) and counts them.
struct MemoryEngineKind {
  static constexpr bool kBoundsChannels = true;
  static constexpr bool kKeepsPresence = true;
  static bool available() { return true; }
  static EngineConfig config(const ChannelLimits& limits) { return EngineConfig{"memory", limits, {}}; }
};

// On the test program's own redis-server; every engine gets its own key prefix, so tests never see each
// other's channels.
struct RedisEngineKind {
  static constexpr bool kBoundsChannels = false;
  static constexpr bool kKeepsPresence = true;
  static bool available() { return testing::RedisTestServer::get() != nullptr; }
  static EngineConfig config(const ChannelLimits& limits) {
    static int made = 0;
    EngineConfig config{"redis", limits, {}};
    config.redis.url = testing::RedisTestServer::get()->url();
    config.redis.prefix = "contract" + std::to_string(++made);
    config.redis.position_check_interval = std::chrono::milliseconds(200);
    return config;
  }
};

template <typename Kind>
class EngineContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Kind::available()) GTEST_SKIP() << "redis-server is not installed";
  }
  testing::EngineMaker maker(ChannelLimits limits = {}) {
    return [limits](std::vector<boost::asio::any_io_executor> executors) {
      return make_engine(Kind::config(limits), std::move(executors));
    };
  }
  // Presence tests run on engines that keep presence.
  bool keeps_presence() const { return Kind::kKeepsPresence; }
  // Checks what only engines that bound and count their channels promise.
  void expect_channel_count(Workers& workers, std::size_t count) {
    if constexpr (Kind::kBoundsChannels) {
      EXPECT_EQ(workers.engine->channel_count(), count);
    }
  }
};

using EngineKinds = ::testing::Types<MemoryEngineKind, RedisEngineKind>;
TYPED_TEST_SUITE(EngineContract, EngineKinds);

// Publishes `count` messages on `channel` and returns the channel's epoch.
std::string publish_n(Workers& workers, const std::string& channel, int count) {
  std::string epoch;
  for (int i = 1; i <= count; ++i) epoch = workers.publish(0, channel, std::to_string(i)).cursor.epoch;
  return epoch;
}

ChannelLimits small_history(std::size_t size) {
  ChannelLimits config;
  config.history_size = size;
  return config;
}

TYPED_TEST(EngineContract, OffsetsIncreaseFromOneAndTheEpochIsStable) {
  Workers workers(1, this->maker());
  std::string epoch;
  for (std::uint64_t expected = 1; expected <= 5; ++expected) {
    PublishOutcome outcome = workers.publish(0, "room", std::to_string(expected));
    EXPECT_EQ(outcome.status, EngineStatus::ok);
    EXPECT_FALSE(outcome.duplicate);
    EXPECT_EQ(outcome.cursor.offset, expected);
    if (expected == 1) epoch = outcome.cursor.epoch;
    EXPECT_EQ(outcome.cursor.epoch, epoch);
  }
  EXPECT_TRUE(is_epoch(epoch)) << epoch;
  this->expect_channel_count(workers, 1u);
}

TYPED_TEST(EngineContract, ChannelsHaveTheirOwnOffsetsAndEpochs) {
  Workers workers(2, this->maker());
  PublishOutcome a1 = workers.publish(0, "a");
  PublishOutcome b1 = workers.publish(1, "b");
  PublishOutcome a2 = workers.publish(1, "a");
  EXPECT_EQ(a1.cursor.offset, 1u);
  EXPECT_EQ(b1.cursor.offset, 1u);
  EXPECT_EQ(a2.cursor.offset, 2u);
  EXPECT_EQ(a2.cursor.epoch, a1.cursor.epoch);
  EXPECT_NE(a1.cursor.epoch, b1.cursor.epoch);  // 36^8 possibilities: a collision is practically impossible
  this->expect_channel_count(workers, 2u);
}

TYPED_TEST(EngineContract, StoredMessagesCarryWhatWasPublished) {
  Workers workers(1, this->maker());
  workers.publish(0, "room", R"({"x":[1,2]})", "", "update");
  HistoryOutcome history = workers.history(0, "room", std::nullopt);
  ASSERT_EQ(history.messages.size(), 1u);
  const EncodedMessage& m = *history.messages[0];
  EXPECT_EQ(m.channel, "room");
  EXPECT_EQ(m.event, "update");
  EXPECT_EQ(m.data_json(), R"({"x":[1,2]})");
  EXPECT_EQ(m.offset, 1u);
  EXPECT_GT(m.time_ms, 1'600'000'000'000);  // milliseconds since the Unix epoch
}

TYPED_TEST(EngineContract, FreshChannelIsAtOffsetZero) {
  Workers workers(1, this->maker());
  HistoryOutcome first = workers.history(0, "fresh", std::nullopt);
  EXPECT_EQ(first.status, EngineStatus::ok);
  EXPECT_TRUE(first.messages.empty());
  EXPECT_FALSE(first.gap.has_value());
  EXPECT_TRUE(is_epoch(first.cursor.epoch)) << first.cursor.epoch;
  EXPECT_EQ(first.cursor.offset, 0u);
  this->expect_channel_count(workers, 1u);
  // The epoch given to the fresh channel is the one its first message gets.
  EXPECT_EQ(workers.history(0, "fresh", std::nullopt).cursor, first.cursor);
  EXPECT_EQ(workers.publish(0, "fresh").cursor, (Cursor{first.cursor.epoch, 1}));
}

TYPED_TEST(EngineContract, HistoryWithoutSinceReturnsTheNewestAndTheCurrentCursor) {
  Workers workers(1, this->maker());
  std::string epoch = publish_n(workers, "room", 5);
  HistoryOutcome history = workers.history(0, "room", std::nullopt, 3);
  EXPECT_EQ(offsets(history.messages), (Offsets{3, 4, 5}));
  EXPECT_EQ(history.cursor, (Cursor{epoch, 5}));
  EXPECT_FALSE(history.gap.has_value());
  HistoryOutcome all = workers.history(0, "room", std::nullopt, 100);
  EXPECT_EQ(offsets(all.messages), (Offsets{1, 2, 3, 4, 5}));
  EXPECT_EQ(all.cursor, (Cursor{epoch, 5}));
  HistoryOutcome none = workers.history(0, "room", std::nullopt, 0);
  EXPECT_TRUE(none.messages.empty());
  EXPECT_EQ(none.cursor, (Cursor{epoch, 5}));
}

TYPED_TEST(EngineContract, HistorySinceACursorHasNoGap) {
  Workers workers(1, this->maker());
  std::string epoch = publish_n(workers, "room", 5);
  HistoryOutcome history = workers.history(0, "room", epoch + ":2");
  EXPECT_FALSE(history.gap.has_value());
  EXPECT_EQ(offsets(history.messages), (Offsets{3, 4, 5}));
  EXPECT_EQ(history.cursor, (Cursor{epoch, 5}));
  EXPECT_FALSE(history.more);

  HistoryOutcome from_zero = workers.history(0, "room", epoch + ":0");
  EXPECT_FALSE(from_zero.gap.has_value());
  EXPECT_EQ(offsets(from_zero.messages), (Offsets{1, 2, 3, 4, 5}));
}

TYPED_TEST(EngineContract, HistoryAtTheTopIsEmptyAndKeepsTheCursor) {
  Workers workers(1, this->maker());
  std::string epoch = publish_n(workers, "room", 3);
  HistoryOutcome history = workers.history(0, "room", epoch + ":3");
  EXPECT_FALSE(history.gap.has_value());
  EXPECT_TRUE(history.messages.empty());
  EXPECT_EQ(history.cursor, (Cursor{epoch, 3}));
  EXPECT_FALSE(history.more);
}

TYPED_TEST(EngineContract, HistoryLimitSetsMore) {
  Workers workers(1, this->maker());
  std::string epoch = publish_n(workers, "room", 5);
  HistoryOutcome page = workers.history(0, "room", epoch + ":1", 2);
  EXPECT_EQ(offsets(page.messages), (Offsets{2, 3}));
  EXPECT_EQ(page.cursor, (Cursor{epoch, 3}));
  EXPECT_TRUE(page.more);
  HistoryOutcome last = workers.history(0, "room", epoch + ":3", 2);
  EXPECT_EQ(offsets(last.messages), (Offsets{4, 5}));
  EXPECT_FALSE(last.more);
}

TYPED_TEST(EngineContract, TooOldCursorGivesAGapFromTheOldestRetained) {
  Workers workers(1, this->maker(small_history(3)));
  std::string epoch = publish_n(workers, "room", 6);  // retains 4, 5, 6
  for (std::uint64_t old : {0, 1, 2}) {
    std::string since = epoch + ":" + std::to_string(old);
    HistoryOutcome history = workers.history(0, "room", since);
    ASSERT_TRUE(history.gap.has_value()) << since;
    EXPECT_EQ(history.gap->channel, "room");
    EXPECT_EQ(history.gap->requested, since);
    EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 3}));
    EXPECT_EQ(offsets(history.messages), (Offsets{4, 5, 6}));
    EXPECT_EQ(history.cursor, (Cursor{epoch, 6}));
  }
}

TYPED_TEST(EngineContract, CursorJustBeforeTheOldestRetainedHasNoGap) {
  Workers workers(1, this->maker(small_history(3)));
  std::string epoch = publish_n(workers, "room", 6);
  HistoryOutcome history = workers.history(0, "room", epoch + ":3");
  EXPECT_FALSE(history.gap.has_value());
  EXPECT_EQ(offsets(history.messages), (Offsets{4, 5, 6}));
}

TYPED_TEST(EngineContract, TooOldCursorWithALimitPagesFromTheOldestRetained) {
  Workers workers(1, this->maker(small_history(3)));
  std::string epoch = publish_n(workers, "room", 6);
  HistoryOutcome history = workers.history(0, "room", epoch + ":1", 2);
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 3}));
  EXPECT_EQ(offsets(history.messages), (Offsets{4, 5}));
  EXPECT_EQ(history.cursor, (Cursor{epoch, 5}));
  EXPECT_TRUE(history.more);
}

TYPED_TEST(EngineContract, ForeignEpochGivesAGap) {
  Workers workers(1, this->maker(small_history(3)));
  std::string epoch = publish_n(workers, "room", 6);
  std::string foreign = (epoch == "zzzzzzzz" ? "yyyyyyyy" : "zzzzzzzz");
  HistoryOutcome history = workers.history(0, "room", foreign + ":5");
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->requested, foreign + ":5");
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 3}));
  EXPECT_EQ(offsets(history.messages), (Offsets{4, 5, 6}));
}

TYPED_TEST(EngineContract, ForeignEpochWithFullHistoryContinuesFromZero) {
  Workers workers(1, this->maker());
  std::string epoch = publish_n(workers, "room", 2);
  HistoryOutcome history = workers.history(0, "room", "other:1");
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 0}));
  EXPECT_EQ(offsets(history.messages), (Offsets{1, 2}));
}

TYPED_TEST(EngineContract, UnparsableCursorGivesAGapReportingItsText) {
  Workers workers(1, this->maker());
  std::string epoch = publish_n(workers, "room", 2);
  HistoryOutcome history = workers.history(0, "room", "not a cursor");
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->requested, "not a cursor");
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 0}));
  EXPECT_EQ(offsets(history.messages), (Offsets{1, 2}));
}

TYPED_TEST(EngineContract, CursorAheadOfTheChannelGivesAGap) {
  Workers workers(1, this->maker());
  std::string epoch = publish_n(workers, "room", 3);
  HistoryOutcome history = workers.history(0, "room", epoch + ":4");
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->requested, epoch + ":4");
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 0}));
  EXPECT_EQ(offsets(history.messages), (Offsets{1, 2, 3}));
  EXPECT_EQ(history.cursor, (Cursor{epoch, 3}));
}

TYPED_TEST(EngineContract, AnyCursorOnAFreshChannelButItsOwnZeroGivesAGap) {
  Workers workers(1, this->maker());
  Cursor fresh = workers.history(0, "fresh", std::nullopt).cursor;
  HistoryOutcome own = workers.history(0, "fresh", fresh.to_string());
  EXPECT_FALSE(own.gap.has_value());
  EXPECT_EQ(own.cursor, fresh);
  HistoryOutcome ahead = workers.history(0, "fresh", fresh.epoch + ":1");
  ASSERT_TRUE(ahead.gap.has_value());
  EXPECT_EQ(ahead.gap->continue_from, fresh);
  EXPECT_TRUE(ahead.messages.empty());
  EXPECT_EQ(ahead.cursor, fresh);
}

TYPED_TEST(EngineContract, HistoryLostToAgeGivesAGapToTheNextOffset) {
  ChannelLimits config;
  config.history_ttl_ms = -1;  // every message is already too old at the next trim
  Workers workers(1, this->maker(config));
  std::string epoch = publish_n(workers, "room", 3);
  HistoryOutcome old = workers.history(0, "room", epoch + ":1");
  ASSERT_TRUE(old.gap.has_value());
  EXPECT_EQ(old.gap->continue_from, (Cursor{epoch, 3}));
  EXPECT_TRUE(old.messages.empty());
  EXPECT_EQ(old.cursor, (Cursor{epoch, 3}));
  HistoryOutcome top = workers.history(0, "room", epoch + ":3");
  EXPECT_FALSE(top.gap.has_value());
  // The offsets keep counting after the history is gone.
  EXPECT_EQ(workers.publish(0, "room").cursor, (Cursor{epoch, 4}));
}

// History rules by channel name prefix (the [[namespace]] history_size and history_ttl).
ChannelLimits with_history_rules(std::vector<HistoryRule> rules) {
  ChannelLimits config;
  config.history_size = 6;
  config.history_rules = std::move(rules);
  return config;
}

TYPED_TEST(EngineContract, HistorySizeIsThatOfTheLongestMatchingRule) {
  Workers workers(2, this->maker(with_history_rules({{"short:", 2, 600'000}, {"short:long:", 4, 600'000}})));
  for (const char* channel : {"short:a", "short:long:a", "other"}) publish_n(workers, channel, 8);
  EXPECT_EQ(offsets(workers.history(1, "short:a", std::nullopt).messages), (Offsets{7, 8}));
  EXPECT_EQ(offsets(workers.history(1, "short:long:a", std::nullopt).messages), (Offsets{5, 6, 7, 8}));
  EXPECT_EQ(offsets(workers.history(1, "other", std::nullopt).messages), (Offsets{3, 4, 5, 6, 7, 8}));
  std::string epoch = workers.history(0, "short:a", std::nullopt).cursor.epoch;
  HistoryOutcome behind = workers.history(0, "short:a", epoch + ":5");
  ASSERT_TRUE(behind.gap.has_value()) << "offset 6 is no longer kept";
  EXPECT_EQ(offsets(behind.messages), (Offsets{7, 8}));
  EXPECT_FALSE(workers.history(0, "short:a", epoch + ":6").gap.has_value());
}

TYPED_TEST(EngineContract, HistoryAgeIsThatOfTheChannelsRule) {
  // Over Redis every call here waits for a quiet moment (40 ms): 500 ms leaves room for the first checks.
  Workers workers(1, this->maker(with_history_rules({{"brief:", 100, 500}})));
  publish_n(workers, "lasting", 2);
  publish_n(workers, "brief:a", 2);
  EXPECT_EQ(offsets(workers.history(0, "brief:a", std::nullopt).messages), (Offsets{1, 2}));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  HistoryOutcome expired = workers.history(0, "brief:a", std::nullopt);
  EXPECT_TRUE(expired.messages.empty());
  EXPECT_EQ(expired.cursor.offset, 2u) << "the offsets stay";
  ASSERT_TRUE(workers.history(0, "brief:a", expired.cursor.epoch + ":0").gap.has_value());
  EXPECT_EQ(offsets(workers.history(0, "lasting", std::nullopt).messages), (Offsets{1, 2}));
  EXPECT_EQ(workers.publish(0, "brief:a").cursor.offset, 3u);
  EXPECT_EQ(offsets(workers.history(0, "brief:a", std::nullopt).messages), (Offsets{3}));
}

TYPED_TEST(EngineContract, IdempotentPublishReturnsTheFirstResultAndPublishesNothing) {
  Workers workers(1, this->maker());
  workers.watch(0, "room");
  PublishOutcome first = workers.publish(0, "room", "1", "key-1");
  PublishOutcome again = workers.publish(0, "room", "2", "key-1");
  EXPECT_FALSE(first.duplicate);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.status, EngineStatus::ok);
  EXPECT_EQ(again.cursor, first.cursor);
  EXPECT_EQ(workers.delivered[0].size(), 1u);
  HistoryOutcome history = workers.history(0, "room", std::nullopt);
  ASSERT_EQ(history.messages.size(), 1u);
  EXPECT_EQ(history.messages[0]->data_json(), "1");
  // The next publish without the key takes the next offset.
  EXPECT_EQ(workers.publish(0, "room").cursor.offset, 2u);
}

TYPED_TEST(EngineContract, IdempotencyKeysAreScopedToTheChannel) {
  Workers workers(2, this->maker());
  PublishOutcome a = workers.publish(0, "a", "1", "same");
  PublishOutcome b = workers.publish(0, "b", "1", "same");
  EXPECT_FALSE(a.duplicate);
  EXPECT_FALSE(b.duplicate);
  EXPECT_EQ(b.cursor.offset, 1u);
  EXPECT_TRUE(workers.publish(1, "b", "1", "same").duplicate);
  EXPECT_FALSE(workers.publish(0, "b", "1", "other").duplicate);
}

TYPED_TEST(EngineContract, ChannelLimitRejectsNewChannels) {
  if (!TypeParam::kBoundsChannels) GTEST_SKIP() << "this engine leaves the number of channels to its server";
  ChannelLimits config;
  config.max_channels = 1;
  Workers workers(1, this->maker(config));
  EXPECT_EQ(workers.publish(0, "a").status, EngineStatus::ok);
  PublishOutcome refused = workers.publish(0, "b");
  EXPECT_EQ(refused.status, EngineStatus::rejected);
  EXPECT_FALSE(refused.error.empty());
  HistoryOutcome history = workers.history(0, "c", std::nullopt);
  EXPECT_EQ(history.status, EngineStatus::rejected);
  EXPECT_FALSE(history.error.empty());
  this->expect_channel_count(workers, 1u);
  // The existing channel keeps working.
  EXPECT_EQ(workers.publish(0, "a").cursor.offset, 2u);
  EXPECT_EQ(workers.history(0, "a", std::nullopt).status, EngineStatus::ok);
}

// The data of the messages that `channel`'s history holds, oldest first.
std::vector<std::string> history_data(Workers& workers, const std::string& channel) {
  std::vector<std::string> data;
  for (const auto& message : workers.history(0, channel, std::nullopt).messages)
    data.emplace_back(message->data_json());
  return data;
}

TYPED_TEST(EngineContract, BatchGivesEveryMessageItsOffsetInTheOrderOfTheBatch) {
  Workers workers(3, this->maker());
  workers.watch(2, "a");
  std::vector<std::string> channels{"a", "b", "a", "c", "a", "b"};
  std::vector<PublishRequest> batch;
  for (std::size_t i = 0; i < channels.size(); ++i)
    batch.push_back(PublishRequest{channels[i], "message", std::to_string(i), ""});
  std::vector<PublishOutcome> outcomes = workers.publish_batch(1, std::move(batch));
  ASSERT_EQ(outcomes.size(), channels.size());
  std::vector<std::uint64_t> expected{1, 1, 2, 1, 3, 2};
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    EXPECT_EQ(outcomes[i].status, EngineStatus::ok) << i;
    EXPECT_EQ(outcomes[i].cursor.offset, expected[i]) << i;
  }
  EXPECT_EQ(outcomes[0].cursor.epoch, outcomes[4].cursor.epoch);
  EXPECT_EQ(history_data(workers, "a"), (std::vector<std::string>{"0", "2", "4"}));
  EXPECT_EQ(history_data(workers, "b"), (std::vector<std::string>{"1", "5"}));
  EXPECT_EQ(offsets(workers.delivered[2]), (Offsets{1, 2, 3}));
  // Publishes after the batch continue where it ended.
  EXPECT_EQ(workers.publish(0, "a").cursor.offset, 4u);
  EXPECT_EQ(workers.publish(1, "c").cursor.offset, 2u);
}

TYPED_TEST(EngineContract, BatchKeepsIdempotencyWithinAndAcrossBatches) {
  Workers workers(2, this->maker());
  std::vector<PublishOutcome> first = workers.publish_batch(
      0, {PublishRequest{"room", "message", "1", "k"}, PublishRequest{"room", "message", "2", "k"},
          PublishRequest{"other", "message", "3", "k"}});
  ASSERT_EQ(first.size(), 3u);
  EXPECT_FALSE(first[0].duplicate);
  EXPECT_TRUE(first[1].duplicate);
  EXPECT_EQ(first[1].cursor, first[0].cursor);
  EXPECT_FALSE(first[2].duplicate);  // keys are scoped to their channel
  std::vector<PublishOutcome> again = workers.publish_batch(1, {PublishRequest{"room", "message", "4", "k"}});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].duplicate);
  EXPECT_EQ(again[0].cursor, first[0].cursor);
  EXPECT_EQ(history_data(workers, "room"), (std::vector<std::string>{"1"}));
}

TYPED_TEST(EngineContract, BatchMessageRefusedByTheChannelLimitDoesNotStopTheOthers) {
  if (!TypeParam::kBoundsChannels) GTEST_SKIP() << "this engine leaves the number of channels to its server";
  ChannelLimits config;
  config.max_channels = 2;
  Workers workers(1, this->maker(config));
  ASSERT_EQ(workers.publish(0, "a").status, EngineStatus::ok);
  std::vector<PublishOutcome> outcomes = workers.publish_batch(
      0, {PublishRequest{"a", "message", "2", ""}, PublishRequest{"b", "message", "1", ""},
          PublishRequest{"c", "message", "1", ""}, PublishRequest{"a", "message", "3", ""}});
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[0].cursor.offset, 2u);
  EXPECT_EQ(outcomes[1].status, EngineStatus::ok);
  EXPECT_EQ(outcomes[2].status, EngineStatus::rejected);
  EXPECT_FALSE(outcomes[2].error.empty());
  EXPECT_EQ(outcomes[3].status, EngineStatus::ok);
  EXPECT_EQ(outcomes[3].cursor.offset, 3u);
  this->expect_channel_count(workers, 2u);
}

TYPED_TEST(EngineContract, UnwatchedChannelsDeliverToNobody) {
  Workers workers(2, this->maker());
  workers.publish(0, "room");
  EXPECT_TRUE(workers.delivered[0].empty());
  EXPECT_TRUE(workers.delivered[1].empty());
}

TYPED_TEST(EngineContract, WatchDeliversToTheWatchingWorkerOnly) {
  Workers workers(2, this->maker());
  workers.watch(1, "room");
  PublishOutcome outcome = workers.publish(0, "room", "42");
  EXPECT_TRUE(workers.delivered[0].empty());
  ASSERT_EQ(workers.delivered[1].size(), 1u);
  EXPECT_EQ(workers.delivered[1][0]->cursor(), outcome.cursor);
  EXPECT_EQ(workers.delivered[1][0]->data_json(), "42");
}

TYPED_TEST(EngineContract, EveryWatchingWorkerGetsTheSameMessage) {
  Workers workers(2, this->maker());
  workers.watch(0, "room");
  workers.watch(1, "room");
  workers.publish(1, "room");
  ASSERT_EQ(workers.delivered[0].size(), 1u);
  ASSERT_EQ(workers.delivered[1].size(), 1u);
  EXPECT_EQ(workers.delivered[0][0].get(), workers.delivered[1][0].get());  // encoded once, shared
}

TYPED_TEST(EngineContract, UnwatchStopsDeliveriesToThatWorker) {
  Workers workers(2, this->maker());
  workers.watch(0, "room");
  workers.watch(1, "room");
  workers.publish(0, "room", "1");
  workers.unwatch(1, "room");
  workers.publish(0, "room", "2");
  EXPECT_EQ(offsets(workers.delivered[0]), (Offsets{1, 2}));
  EXPECT_EQ(offsets(workers.delivered[1]), (Offsets{1}));
  workers.unwatch(0, "room");
  workers.publish(0, "room", "3");
  EXPECT_EQ(offsets(workers.delivered[0]), (Offsets{1, 2}));
}

TYPED_TEST(EngineContract, WatchOnlyCoversItsChannel) {
  Workers workers(1, this->maker());
  workers.watch(0, "a");
  workers.publish(0, "b");
  workers.publish(0, "a");
  ASSERT_EQ(workers.delivered[0].size(), 1u);
  EXPECT_EQ(workers.delivered[0][0]->channel, "a");
}

TYPED_TEST(EngineContract, DeliveriesArriveInOffsetOrder) {
  Workers workers(2, this->maker());
  workers.watch(1, "room");
  for (int i = 0; i < 10; ++i)
    workers.engine->publish(i % 2, PublishRequest{"room", "message", std::to_string(i), ""},
                            [](PublishOutcome) {});
  workers.drain();
  EXPECT_EQ(offsets(workers.delivered[1]), (Offsets{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TYPED_TEST(EngineContract, LimitZeroSinceACursorReturnsNoMessagesAndSaysWhatFollows) {
  Workers workers(1, this->maker());
  std::string epoch = publish_n(workers, "room", 3);
  HistoryOutcome history = workers.history(0, "room", epoch + ":1", 0);
  EXPECT_TRUE(history.messages.empty());
  EXPECT_FALSE(history.gap.has_value());
  EXPECT_EQ(history.cursor, (Cursor{epoch, 1}));
  EXPECT_TRUE(history.more);
}

TYPED_TEST(EngineContract, WatchCompletesOkAndAMessagePublishedRightAfterArrives) {
  Workers workers(2, this->maker());
  WatchOutcome watched = workers.watch(0, "room");
  EXPECT_EQ(watched.status, EngineStatus::ok);
  EXPECT_TRUE(watched.error.empty());
  PublishOutcome published = workers.publish(1, "room");
  ASSERT_EQ(workers.delivered[0].size(), 1u);
  EXPECT_EQ(workers.delivered[0][0]->cursor(), published.cursor);
}

TYPED_TEST(EngineContract, WatchingTwiceFromOneWorkerDeliversOnce) {
  Workers workers(1, this->maker());
  workers.watch(0, "room");
  workers.watch(0, "room");
  workers.publish(0, "room");
  EXPECT_EQ(workers.delivered[0].size(), 1u);
}

TYPED_TEST(EngineContract, UnwatchOfAChannelNeverWatchedIsHarmless) {
  Workers workers(1, this->maker());
  workers.unwatch(0, "never");
  EXPECT_EQ(workers.publish(0, "never").status, EngineStatus::ok);
  EXPECT_TRUE(workers.delivered[0].empty());
}

TYPED_TEST(EngineContract, TheEngineDescribesItself) {
  Workers workers(1, this->maker());
  EXPECT_FALSE(workers.engine->description().empty());
  EXPECT_TRUE(workers.engine->ready());
  EXPECT_GE(workers.engine->position_check_interval().count(), 0);
}

// Workers on their own threads publishing to one channel at once: one order, no offset twice.
TYPED_TEST(EngineContract, ConcurrentPublishersNeverShareAnOffset) {
  constexpr int kPerWorker = 500;
  Workers workers(2, this->maker());
  workers.watch(0, "room");
  std::vector<std::vector<std::uint64_t>> offsets_of(2);
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (WorkerId worker = 0; worker < 2; ++worker) {
    boost::asio::io_context& context = *workers.contexts[worker];
    context.restart();
    boost::asio::post(context, [&, worker] {
      for (int i = 0; i < kPerWorker; ++i)
        workers.engine->publish(worker, PublishRequest{"room", "message", std::to_string(i), ""},
                                [&, worker](PublishOutcome outcome) {
                                  EXPECT_EQ(outcome.status, EngineStatus::ok);
                                  offsets_of[worker].push_back(outcome.cursor.offset);
                                  if (++answered == 2 * kPerWorker)
                                    for (auto& each : workers.contexts) each->stop();
                                });
    });
  }
  for (WorkerId worker = 0; worker < 2; ++worker) {
    threads.emplace_back([&, worker] {
      auto guard = boost::asio::make_work_guard(*workers.contexts[worker]);
      workers.contexts[worker]->run_for(std::chrono::seconds(20));
    });
  }
  for (auto& thread : threads) thread.join();
  workers.drain();
  std::set<std::uint64_t> all;
  for (const auto& list : offsets_of) {
    ASSERT_EQ(list.size(), static_cast<std::size_t>(kPerWorker));
    EXPECT_TRUE(std::is_sorted(list.begin(), list.end())) << "one worker's publishes keep their order";
    all.insert(list.begin(), list.end());
  }
  EXPECT_EQ(all.size(), 2u * kPerWorker);
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), 2u * kPerWorker);
  EXPECT_EQ(offsets(workers.delivered[0]).size(), 2u * kPerWorker);
  EXPECT_TRUE(std::is_sorted(workers.delivered[0].begin(), workers.delivered[0].end(),
                             [](const MessagePtr& a, const MessagePtr& b) { return a->offset < b->offset; }));
}

}  // namespace
}  // namespace herald

namespace herald {
namespace {

std::vector<std::string> ids_of(const PresenceClients& clients) {
  std::vector<std::string> ids;
  for (const auto& client : clients) ids.push_back(client.id);
  return ids;
}

TYPED_TEST(EngineContract, JoinAnswersEveryonePresentInJoinOrder) {
  if (!this->keeps_presence()) GTEST_SKIP() << "this engine keeps no presence";
  Workers workers(2, this->maker());
  EXPECT_TRUE(workers.presence(0, "room").clients.empty());
  auto first = workers.join(0, "room", {"a1", "alice", R"({"name":"Alice"})"});
  ASSERT_EQ(first.status, EngineStatus::ok);
  EXPECT_EQ(ids_of(first.clients), std::vector<std::string>{"a1"});
  auto second = workers.join(1, "room", {"b2", "", ""});
  EXPECT_EQ(ids_of(second.clients), (std::vector<std::string>{"a1", "b2"}));
  auto listed = workers.presence(1, "room").clients;
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].user, "alice");
  EXPECT_EQ(listed[0].info_json, R"({"name":"Alice"})");
  EXPECT_TRUE(workers.presence(0, "other").clients.empty()) << "presence belongs to its channel";
}

TYPED_TEST(EngineContract, JoinsAndLeavesAreReportedToWatchingWorkers) {
  if (!this->keeps_presence()) GTEST_SKIP() << "this engine keeps no presence";
  Workers workers(2, this->maker());
  workers.watch(1, "room");
  workers.join(0, "room", {"a1", "alice", ""});
  workers.join(0, "room", {"a1", "alice", R"({"typing":true})"});  // the same client: no event
  workers.leave(0, "room", "a1");
  workers.leave(0, "room", "a1");  // gone already: no event
  EXPECT_TRUE(workers.presence_events[0].empty()) << "worker 0 does not watch the channel";
  ASSERT_EQ(workers.presence_events[1].size(), 2u);
  EXPECT_EQ(workers.presence_events[1][0].change, PresenceChange::join);
  EXPECT_EQ(workers.presence_events[1][0].channel, "room");
  EXPECT_EQ(workers.presence_events[1][0].client.user, "alice");
  EXPECT_EQ(workers.presence_events[1][1].change, PresenceChange::leave);
  EXPECT_EQ(workers.presence_events[1][1].client.id, "a1");
  EXPECT_TRUE(workers.presence(0, "room").clients.empty());
}

TYPED_TEST(EngineContract, ARejoinUpdatesTheEntryInItsPlace) {
  if (!this->keeps_presence()) GTEST_SKIP() << "this engine keeps no presence";
  Workers workers(1, this->maker());
  workers.join(0, "room", {"a1", "", R"({"v":1})"});
  workers.join(0, "room", {"b2", "", ""});
  auto clients = workers.join(0, "room", {"a1", "", R"({"v":2})"}).clients;
  ASSERT_EQ(ids_of(clients), (std::vector<std::string>{"a1", "b2"}));
  EXPECT_EQ(clients[0].info_json, R"({"v":2})");
}

}  // namespace
}  // namespace herald
