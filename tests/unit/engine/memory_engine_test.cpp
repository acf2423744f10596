// Memory engine with io_contexts as workers: offsets, epochs, history, gaps, idempotency, limits, watch.
#include "engine/memory/memory_engine.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace herald {
namespace {
namespace asio = boost::asio;

using Offsets = std::vector<std::uint64_t>;

Offsets offsets(const std::vector<MessagePtr>& messages) {
  Offsets out;
  for (const auto& message : messages) out.push_back(message->offset);
  return out;
}

bool is_epoch(const std::string& epoch) {
  if (epoch.size() != 8) return false;
  for (char c : epoch)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

// One io_context per worker, polled from the test's thread; deliveries recorded per worker.
class Workers {
 public:
  explicit Workers(std::size_t count, MemoryEngineConfig config = {}) {
    WorkerPorts ports;
    for (std::size_t i = 0; i < count; ++i) {
      contexts.push_back(std::make_unique<asio::io_context>());
      ports.executors.push_back(contexts.back()->get_executor());
    }
    delivered.resize(count);
    ports.deliver = [this](WorkerId worker, const MessagePtr& message) {
      EXPECT_TRUE(contexts[worker]->get_executor().running_in_this_thread())
          << "delivery for worker " << worker << " ran on another worker";
      delivered[worker].push_back(message);
    };
    engine = std::make_unique<MemoryEngine>(std::move(ports), config);
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Runs every context until none has work left.
  void drain() {
    for (int round = 0; round < 1000; ++round) {
      std::size_t ran = 0;
      for (auto& context : contexts) {
        context->restart();
        ran += context->poll();
      }
      if (ran == 0) return;
    }
    ADD_FAILURE() << "the workers never went idle";
  }

  PublishOutcome publish(WorkerId from, const std::string& channel, const std::string& data = "1",
                         const std::string& key = "", const std::string& event = "message") {
    std::optional<PublishOutcome> result;
    engine->publish(from, PublishRequest{channel, event, data, key}, [&](PublishOutcome outcome) {
      EXPECT_TRUE(contexts[from]->get_executor().running_in_this_thread())
          << "publish answered on another worker";
      result = std::move(outcome);
    });
    drain();
    if (!result) {
      ADD_FAILURE() << "publish never answered";
      return {};
    }
    return *result;
  }

  HistoryOutcome history(WorkerId from, const std::string& channel, std::optional<std::string> since,
                         std::size_t limit = 100) {
    std::optional<HistoryOutcome> result;
    std::optional<ResumePoint> point;
    if (since) point = ResumePoint::from_text(*since);
    engine->history(from, HistoryRequest{channel, point, limit}, [&](HistoryOutcome outcome) {
      EXPECT_TRUE(contexts[from]->get_executor().running_in_this_thread())
          << "history answered on another worker";
      result = std::move(outcome);
    });
    drain();
    if (!result) {
      ADD_FAILURE() << "history never answered";
      return {};
    }
    return *result;
  }

  // The contexts are declared before the engine so that they outlive its timers.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::vector<MessagePtr>> delivered;
  std::unique_ptr<MemoryEngine> engine;
};

// Publishes `count` messages on `channel` and returns the channel's epoch.
std::string publish_n(Workers& workers, const std::string& channel, int count) {
  std::string epoch;
  for (int i = 1; i <= count; ++i) epoch = workers.publish(0, channel, std::to_string(i)).cursor.epoch;
  return epoch;
}

MemoryEngineConfig small_history(std::size_t size) {
  MemoryEngineConfig config;
  config.history_size = size;
  return config;
}

TEST(MemoryEngine, OffsetsIncreaseFromOneAndTheEpochIsStable) {
  Workers workers(1);
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
  EXPECT_EQ(workers.engine->channel_count(), 1u);
}

TEST(MemoryEngine, ChannelsHaveTheirOwnOffsetsAndEpochs) {
  Workers workers(2);
  PublishOutcome a1 = workers.publish(0, "a");
  PublishOutcome b1 = workers.publish(1, "b");
  PublishOutcome a2 = workers.publish(1, "a");
  EXPECT_EQ(a1.cursor.offset, 1u);
  EXPECT_EQ(b1.cursor.offset, 1u);
  EXPECT_EQ(a2.cursor.offset, 2u);
  EXPECT_EQ(a2.cursor.epoch, a1.cursor.epoch);
  EXPECT_NE(a1.cursor.epoch, b1.cursor.epoch);  // 36^8 possibilities: a collision is practically impossible
  EXPECT_EQ(workers.engine->channel_count(), 2u);
}

TEST(MemoryEngine, StoredMessagesCarryWhatWasPublished) {
  Workers workers(1);
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

TEST(MemoryEngine, FreshChannelIsAtOffsetZero) {
  Workers workers(1);
  HistoryOutcome first = workers.history(0, "fresh", std::nullopt);
  EXPECT_EQ(first.status, EngineStatus::ok);
  EXPECT_TRUE(first.messages.empty());
  EXPECT_FALSE(first.gap.has_value());
  EXPECT_TRUE(is_epoch(first.cursor.epoch)) << first.cursor.epoch;
  EXPECT_EQ(first.cursor.offset, 0u);
  EXPECT_EQ(workers.engine->channel_count(), 1u);
  // The epoch given to the fresh channel is the one its first message gets.
  EXPECT_EQ(workers.history(0, "fresh", std::nullopt).cursor, first.cursor);
  EXPECT_EQ(workers.publish(0, "fresh").cursor, (Cursor{first.cursor.epoch, 1}));
}

TEST(MemoryEngine, HistoryWithoutSinceReturnsTheNewestAndTheCurrentCursor) {
  Workers workers(1);
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

TEST(MemoryEngine, HistorySinceACursorHasNoGap) {
  Workers workers(1);
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

TEST(MemoryEngine, HistoryAtTheTopIsEmptyAndKeepsTheCursor) {
  Workers workers(1);
  std::string epoch = publish_n(workers, "room", 3);
  HistoryOutcome history = workers.history(0, "room", epoch + ":3");
  EXPECT_FALSE(history.gap.has_value());
  EXPECT_TRUE(history.messages.empty());
  EXPECT_EQ(history.cursor, (Cursor{epoch, 3}));
  EXPECT_FALSE(history.more);
}

TEST(MemoryEngine, HistoryLimitSetsMore) {
  Workers workers(1);
  std::string epoch = publish_n(workers, "room", 5);
  HistoryOutcome page = workers.history(0, "room", epoch + ":1", 2);
  EXPECT_EQ(offsets(page.messages), (Offsets{2, 3}));
  EXPECT_EQ(page.cursor, (Cursor{epoch, 3}));
  EXPECT_TRUE(page.more);
  HistoryOutcome last = workers.history(0, "room", epoch + ":3", 2);
  EXPECT_EQ(offsets(last.messages), (Offsets{4, 5}));
  EXPECT_FALSE(last.more);
}

TEST(MemoryEngine, TooOldCursorGivesAGapFromTheOldestRetained) {
  Workers workers(1, small_history(3));
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

TEST(MemoryEngine, CursorJustBeforeTheOldestRetainedHasNoGap) {
  Workers workers(1, small_history(3));
  std::string epoch = publish_n(workers, "room", 6);
  HistoryOutcome history = workers.history(0, "room", epoch + ":3");
  EXPECT_FALSE(history.gap.has_value());
  EXPECT_EQ(offsets(history.messages), (Offsets{4, 5, 6}));
}

TEST(MemoryEngine, TooOldCursorWithALimitPagesFromTheOldestRetained) {
  Workers workers(1, small_history(3));
  std::string epoch = publish_n(workers, "room", 6);
  HistoryOutcome history = workers.history(0, "room", epoch + ":1", 2);
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 3}));
  EXPECT_EQ(offsets(history.messages), (Offsets{4, 5}));
  EXPECT_EQ(history.cursor, (Cursor{epoch, 5}));
  EXPECT_TRUE(history.more);
}

TEST(MemoryEngine, ForeignEpochGivesAGap) {
  Workers workers(1, small_history(3));
  std::string epoch = publish_n(workers, "room", 6);
  std::string foreign = (epoch == "zzzzzzzz" ? "yyyyyyyy" : "zzzzzzzz");
  HistoryOutcome history = workers.history(0, "room", foreign + ":5");
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->requested, foreign + ":5");
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 3}));
  EXPECT_EQ(offsets(history.messages), (Offsets{4, 5, 6}));
}

TEST(MemoryEngine, ForeignEpochWithFullHistoryContinuesFromZero) {
  Workers workers(1);
  std::string epoch = publish_n(workers, "room", 2);
  HistoryOutcome history = workers.history(0, "room", "other:1");
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 0}));
  EXPECT_EQ(offsets(history.messages), (Offsets{1, 2}));
}

TEST(MemoryEngine, UnparsableCursorGivesAGapReportingItsText) {
  Workers workers(1);
  std::string epoch = publish_n(workers, "room", 2);
  HistoryOutcome history = workers.history(0, "room", "not a cursor");
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->requested, "not a cursor");
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 0}));
  EXPECT_EQ(offsets(history.messages), (Offsets{1, 2}));
}

TEST(MemoryEngine, CursorAheadOfTheChannelGivesAGap) {
  Workers workers(1);
  std::string epoch = publish_n(workers, "room", 3);
  HistoryOutcome history = workers.history(0, "room", epoch + ":4");
  ASSERT_TRUE(history.gap.has_value());
  EXPECT_EQ(history.gap->requested, epoch + ":4");
  EXPECT_EQ(history.gap->continue_from, (Cursor{epoch, 0}));
  EXPECT_EQ(offsets(history.messages), (Offsets{1, 2, 3}));
  EXPECT_EQ(history.cursor, (Cursor{epoch, 3}));
}

TEST(MemoryEngine, AnyCursorOnAFreshChannelButItsOwnZeroGivesAGap) {
  Workers workers(1);
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

TEST(MemoryEngine, HistoryLostToAgeGivesAGapToTheNextOffset) {
  MemoryEngineConfig config;
  config.history_ttl_ms = -1;  // every message is already too old at the next trim
  Workers workers(1, config);
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

TEST(MemoryEngine, IdempotentPublishReturnsTheFirstResultAndPublishesNothing) {
  Workers workers(1);
  workers.engine->watch(0, "room");
  workers.drain();
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

TEST(MemoryEngine, IdempotencyKeysAreScopedToTheChannel) {
  Workers workers(2);
  PublishOutcome a = workers.publish(0, "a", "1", "same");
  PublishOutcome b = workers.publish(0, "b", "1", "same");
  EXPECT_FALSE(a.duplicate);
  EXPECT_FALSE(b.duplicate);
  EXPECT_EQ(b.cursor.offset, 1u);
  EXPECT_TRUE(workers.publish(1, "b", "1", "same").duplicate);
  EXPECT_FALSE(workers.publish(0, "b", "1", "other").duplicate);
}

TEST(MemoryEngine, ChannelLimitMakesNewChannelsUnavailable) {
  MemoryEngineConfig config;
  config.max_channels = 1;
  Workers workers(1, config);
  EXPECT_EQ(workers.publish(0, "a").status, EngineStatus::ok);
  PublishOutcome refused = workers.publish(0, "b");
  EXPECT_EQ(refused.status, EngineStatus::unavailable);
  EXPECT_FALSE(refused.error.empty());
  HistoryOutcome history = workers.history(0, "c", std::nullopt);
  EXPECT_EQ(history.status, EngineStatus::unavailable);
  EXPECT_FALSE(history.error.empty());
  EXPECT_EQ(workers.engine->channel_count(), 1u);
  // The existing channel keeps working.
  EXPECT_EQ(workers.publish(0, "a").cursor.offset, 2u);
  EXPECT_EQ(workers.history(0, "a", std::nullopt).status, EngineStatus::ok);
}

TEST(MemoryEngine, UnwatchedChannelsDeliverToNobody) {
  Workers workers(2);
  workers.publish(0, "room");
  EXPECT_TRUE(workers.delivered[0].empty());
  EXPECT_TRUE(workers.delivered[1].empty());
}

TEST(MemoryEngine, WatchDeliversToTheWatchingWorkerOnly) {
  Workers workers(2);
  workers.engine->watch(1, "room");
  workers.drain();
  PublishOutcome outcome = workers.publish(0, "room", "42");
  EXPECT_TRUE(workers.delivered[0].empty());
  ASSERT_EQ(workers.delivered[1].size(), 1u);
  EXPECT_EQ(workers.delivered[1][0]->cursor(), outcome.cursor);
  EXPECT_EQ(workers.delivered[1][0]->data_json(), "42");
}

TEST(MemoryEngine, EveryWatchingWorkerGetsTheSameMessage) {
  Workers workers(2);
  workers.engine->watch(0, "room");
  workers.engine->watch(1, "room");
  workers.drain();
  workers.publish(1, "room");
  ASSERT_EQ(workers.delivered[0].size(), 1u);
  ASSERT_EQ(workers.delivered[1].size(), 1u);
  EXPECT_EQ(workers.delivered[0][0].get(), workers.delivered[1][0].get());  // encoded once, shared
}

TEST(MemoryEngine, UnwatchStopsDeliveriesToThatWorker) {
  Workers workers(2);
  workers.engine->watch(0, "room");
  workers.engine->watch(1, "room");
  workers.drain();
  workers.publish(0, "room", "1");
  workers.engine->unwatch(1, "room");
  workers.drain();
  workers.publish(0, "room", "2");
  EXPECT_EQ(offsets(workers.delivered[0]), (Offsets{1, 2}));
  EXPECT_EQ(offsets(workers.delivered[1]), (Offsets{1}));
  workers.engine->unwatch(0, "room");
  workers.drain();
  workers.publish(0, "room", "3");
  EXPECT_EQ(offsets(workers.delivered[0]), (Offsets{1, 2}));
}

TEST(MemoryEngine, WatchOnlyCoversItsChannel) {
  Workers workers(1);
  workers.engine->watch(0, "a");
  workers.drain();
  workers.publish(0, "b");
  workers.publish(0, "a");
  ASSERT_EQ(workers.delivered[0].size(), 1u);
  EXPECT_EQ(workers.delivered[0][0]->channel, "a");
}

TEST(MemoryEngine, WatchCreatesTheChannel) {
  Workers workers(1);
  workers.engine->watch(0, "room");
  workers.drain();
  EXPECT_EQ(workers.engine->channel_count(), 1u);
}

TEST(MemoryEngine, DeliveriesArriveInOffsetOrder) {
  Workers workers(2);
  workers.engine->watch(1, "room");
  workers.drain();
  for (int i = 0; i < 10; ++i)
    workers.engine->publish(i % 2, PublishRequest{"room", "message", std::to_string(i), ""},
                            [](PublishOutcome) {});
  workers.drain();
  EXPECT_EQ(offsets(workers.delivered[1]), (Offsets{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(MemoryEngine, StartAndStopDoNotDisturbPendingWork) {
  Workers workers(2);
  workers.engine->start();
  workers.publish(0, "room");
  workers.engine->stop();
  workers.drain();  // the sweep timers are cancelled: the contexts run out of work
  EXPECT_EQ(workers.history(1, "room", std::nullopt).cursor.offset, 1u);
}

}  // namespace
}  // namespace herald
