// Channel feeds over a hub and memory engine: start, resume, gaps, history merged with live, stopping.
#include "pubsub/channel_feed.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/memory/memory_engine.hpp"
#include "pubsub/hub.hpp"

namespace herald {
namespace {
namespace asio = boost::asio;

using Offsets = std::vector<std::uint64_t>;

// One worker: an io_context, a memory engine and the worker's hub. The engine's events pass through the
// world on their way to the hub, so a test can lose a live message on purpose.
class World final : public EngineEvents {
 public:
  explicit World(MemoryEngineConfig config = {}) {
    engine =
        std::make_unique<MemoryEngine>(std::vector<asio::any_io_executor>{context.get_executor()}, config);
    hub = std::make_unique<Hub>(0, *engine, context.get_executor());
    engine->attach(0, *this);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  void on_message(const MessagePtr& message) override {
    ++deliveries;
    if (drop_next_delivery) {
      drop_next_delivery = false;
      return;
    }
    hub->on_message(message);
  }
  void on_position_check(const std::string& channel) override { hub->on_position_check(channel); }
  void on_presence(const PresenceEvent& event) override { hub->on_presence(event); }

  // Runs every handler that is ready, including those they post.
  void run() {
    context.restart();
    context.poll();
  }

  // Posts a publish without running it.
  void publish_later(const std::string& channel, const std::string& data = "0") {
    engine->publish(0, PublishRequest{channel, "message", data, ""},
                    [](PublishOutcome outcome) { EXPECT_EQ(outcome.status, EngineStatus::ok); });
  }

  Cursor publish(const std::string& channel, const std::string& data = "0") {
    Cursor cursor;
    engine->publish(0, PublishRequest{channel, "message", data, ""},
                    [&](PublishOutcome outcome) { cursor = outcome.cursor; });
    run();
    return cursor;
  }

  // Publishes `count` messages and returns the last cursor.
  Cursor publish_n(const std::string& channel, int count) {
    Cursor last;
    for (int i = 0; i < count; ++i) last = publish(channel, std::to_string(i));
    return last;
  }

  asio::io_context context;
  std::unique_ptr<MemoryEngine> engine;
  std::unique_ptr<Hub> hub;
  int deliveries = 0;
  bool drop_next_delivery = false;
};

struct Record {
  enum Kind { started, message, gap, ready, failed } kind;
  Cursor position;       // the feed's position when the record was made
  MessagePtr delivered;  // message
  Gap gap_info;          // gap
  std::string reason;    // failed
};

class RecordingSink final : public FeedSink {
 public:
  void on_feed_message(ChannelFeed& feed, const MessagePtr& message) override {
    records.push_back({Record::message, feed.position(), message, {}, {}});
    if (on_message) on_message(feed, message);
  }
  void on_feed_gap(ChannelFeed& feed, const Gap& gap) override {
    records.push_back({Record::gap, feed.position(), nullptr, gap, {}});
  }
  void on_feed_started(ChannelFeed& feed) override {
    records.push_back({Record::started, feed.position(), nullptr, {}, {}});
  }
  void on_feed_ready(ChannelFeed& feed) override {
    records.push_back({Record::ready, feed.position(), nullptr, {}, {}});
  }
  void on_feed_failed(ChannelFeed& feed, const std::string& reason) override {
    records.push_back({Record::failed, feed.position(), nullptr, {}, reason});
  }
  void on_feed_presence(ChannelFeed&, const PresenceEvent& event) override { presence.push_back(event); }

  Offsets offsets() const {
    Offsets out;
    for (const auto& record : records)
      if (record.kind == Record::message) out.push_back(record.delivered->offset);
    return out;
  }
  std::size_t count(Record::Kind kind) const {
    std::size_t n = 0;
    for (const auto& record : records) n += record.kind == kind;
    return n;
  }
  // The kinds in order, without the ready notifications.
  std::vector<Record::Kind> events() const {
    std::vector<Record::Kind> out;
    for (const auto& record : records)
      if (record.kind != Record::ready) out.push_back(record.kind);
    return out;
  }

  std::vector<Record> records;
  std::vector<PresenceEvent> presence;
  std::function<void(ChannelFeed&, const MessagePtr&)> on_message;
};

using Kinds = std::vector<Record::Kind>;

TEST(ChannelFeed, StartsFromNowWithoutHistory) {
  World world;
  Cursor last = world.publish_n("room", 3);
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(std::nullopt);
  EXPECT_FALSE(feed.started());
  world.run();
  ASSERT_TRUE(feed.started());
  EXPECT_EQ(feed.position(), last);
  ASSERT_FALSE(sink.records.empty());
  EXPECT_EQ(sink.records[0].kind, Record::started);
  EXPECT_EQ(sink.records[0].position, last);
  EXPECT_TRUE(sink.offsets().empty());

  world.publish("room", "live-1");
  world.publish("room", "live-2");
  EXPECT_EQ(sink.offsets(), (Offsets{4, 5}));
  EXPECT_EQ(feed.position(), (Cursor{last.epoch, 5}));
}

TEST(ChannelFeed, PassesOnPresenceChangesOfItsChannelUntilStopped) {
  World world;
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(std::nullopt);
  world.run();
  world.engine->join(0, "room", {"a1", "alice", ""}, [](PresenceOutcome) {});
  world.engine->join(0, "elsewhere", {"b2", "", ""}, [](PresenceOutcome) {});
  world.run();
  ASSERT_EQ(sink.presence.size(), 1u);
  EXPECT_EQ(sink.presence[0].client.id, "a1");
  EXPECT_EQ(sink.presence[0].change, PresenceChange::join);
  feed.stop();
  world.engine->leave(0, "room", "a1");
  world.run();
  EXPECT_EQ(sink.presence.size(), 1u) << "a stopped feed hears nothing";
}

TEST(ChannelFeed, StartsFromNowOnAFreshChannel) {
  World world;
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "fresh", sink);
  feed.start(std::nullopt);
  world.run();
  ASSERT_TRUE(feed.started());
  EXPECT_EQ(feed.position().offset, 0u);
  Cursor first = world.publish("fresh");
  EXPECT_EQ(first.epoch, feed.position().epoch);
  EXPECT_EQ(sink.offsets(), (Offsets{1}));
}

TEST(ChannelFeed, ResumesFromACursorThenFollowsLive) {
  World world;
  Cursor last = world.publish_n("room", 5);
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(ResumePoint::from_cursor({last.epoch, 2}));
  world.run();
  EXPECT_EQ(sink.offsets(), (Offsets{3, 4, 5}));
  EXPECT_EQ(sink.records[0].kind, Record::started);
  EXPECT_EQ(sink.records[0].position, (Cursor{last.epoch, 2}));
  EXPECT_EQ(sink.count(Record::gap), 0u);

  world.publish("room");
  world.publish("room");
  EXPECT_EQ(sink.offsets(), (Offsets{3, 4, 5, 6, 7}));
  EXPECT_EQ(feed.position(), (Cursor{last.epoch, 7}));
}

TEST(ChannelFeed, PositionDuringOnFeedMessageIsThatMessage) {
  World world;
  Cursor last = world.publish_n("room", 3);
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(ResumePoint::from_cursor({last.epoch, 0}));
  world.run();
  world.publish("room");
  for (const auto& record : sink.records) {
    if (record.kind == Record::message) {
      EXPECT_EQ(record.position, record.delivered->cursor());
    }
  }
  EXPECT_EQ(sink.offsets(), (Offsets{1, 2, 3, 4}));
}

TEST(ChannelFeed, ResumingAtTheTopDeliversOnlyLiveMessages) {
  World world;
  Cursor last = world.publish_n("room", 3);
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(ResumePoint::from_cursor(last));
  world.run();
  EXPECT_TRUE(sink.offsets().empty());
  EXPECT_EQ(feed.position(), last);
  world.publish("room");
  EXPECT_EQ(sink.offsets(), (Offsets{4}));
}

TEST(ChannelFeed, MessagesPublishedWhileHistoryIsReadArriveOnceInOrder) {
  World world;
  Cursor last = world.publish_n("room", 3);
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(ResumePoint::from_cursor({last.epoch, 1}));
  for (int i = 0; i < 4; ++i) world.publish_later("room", "late-" + std::to_string(i));
  world.run();
  EXPECT_EQ(sink.offsets(), (Offsets{2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(sink.records[0].kind, Record::started);
  EXPECT_EQ(feed.position(), (Cursor{last.epoch, 7}));
}

TEST(ChannelFeed, LiveMessagesBufferedDuringHistoryAreNotDuplicated) {
  World world;
  Cursor last = world.publish_n("room", 2);
  // A first feed makes the hub watch the channel, so live messages reach the second one at once.
  RecordingSink watcher_sink;
  ChannelFeed watcher(*world.hub, "room", watcher_sink);
  watcher.start(std::nullopt);
  world.run();

  for (int i = 0; i < 3; ++i) world.publish_later("room");
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  // The publishes run first and deliver live while this feed waits for history that also holds them.
  feed.start(ResumePoint::from_cursor({last.epoch, 0}));
  world.run();
  EXPECT_EQ(sink.offsets(), (Offsets{1, 2, 3, 4, 5}));
  EXPECT_EQ(watcher_sink.offsets(), (Offsets{3, 4, 5}));
  world.publish("room");
  EXPECT_EQ(sink.offsets(), (Offsets{1, 2, 3, 4, 5, 6}));
}

TEST(ChannelFeed, LiveMessagesBeyondTheBufferAreReadAgainFromHistory) {
  World world;
  Cursor last = world.publish_n("room", 2);
  RecordingSink watcher_sink;
  ChannelFeed watcher(*world.hub, "room", watcher_sink);
  watcher.start(std::nullopt);
  world.run();

  for (int i = 0; i < 5; ++i) world.publish_later("room");
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink, /*batch_limit=*/1000, /*buffer_limit=*/1);
  feed.start(ResumePoint::from_cursor({last.epoch, 1}));
  world.run();
  EXPECT_EQ(sink.offsets(), (Offsets{2, 3, 4, 5, 6, 7}));
  world.publish("room");
  EXPECT_EQ(sink.offsets(), (Offsets{2, 3, 4, 5, 6, 7, 8}));
}

TEST(ChannelFeed, LongHistoryIsReadInBatches) {
  World world;
  Cursor last = world.publish_n("room", 7);
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink, /*batch_limit=*/2);
  feed.start(ResumePoint::from_cursor({last.epoch, 0}));
  world.run();
  EXPECT_EQ(sink.offsets(), (Offsets{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_GE(sink.count(Record::ready), 4u);  // one per batch
  EXPECT_EQ(sink.count(Record::started), 1u);
  world.publish("room");
  EXPECT_EQ(sink.offsets(), (Offsets{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(ChannelFeed, TooOldCursorGivesTheGapFirstThenTheRetainedMessages) {
  MemoryEngineConfig config;
  config.history_size = 3;
  World world(config);
  Cursor last = world.publish_n("room", 6);  // retains 4, 5, 6
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(ResumePoint::from_cursor({last.epoch, 1}));
  world.run();
  EXPECT_EQ(sink.events(),
            (Kinds{Record::started, Record::gap, Record::message, Record::message, Record::message}));
  EXPECT_EQ(sink.records[0].position, (Cursor{last.epoch, 3}));
  const Gap& gap = sink.records[1].gap_info;
  EXPECT_EQ(gap.channel, "room");
  EXPECT_EQ(gap.requested, last.epoch + ":1");
  EXPECT_EQ(gap.continue_from, (Cursor{last.epoch, 3}));
  EXPECT_EQ(sink.offsets(), (Offsets{4, 5, 6}));
  world.publish("room");
  EXPECT_EQ(sink.offsets(), (Offsets{4, 5, 6, 7}));
}

TEST(ChannelFeed, UnusableCursorGivesAGap) {
  World world;
  Cursor last = world.publish_n("room", 2);
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(ResumePoint::from_text("garbage"));
  world.run();
  EXPECT_EQ(sink.events(), (Kinds{Record::started, Record::gap, Record::message, Record::message}));
  EXPECT_EQ(sink.records[1].gap_info.requested, "garbage");
  EXPECT_EQ(sink.records[1].gap_info.continue_from, (Cursor{last.epoch, 0}));
  EXPECT_EQ(sink.offsets(), (Offsets{1, 2}));
}

TEST(ChannelFeed, ALostLiveMessageIsRecoveredFromHistory) {
  World world;
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(std::nullopt);
  world.run();
  world.publish("room");
  world.drop_next_delivery = true;
  world.publish("room");  // never reaches the hub
  world.publish("room");  // shows the hole
  EXPECT_EQ(sink.offsets(), (Offsets{1, 2, 3}));
  EXPECT_EQ(sink.count(Record::gap), 0u);
}

TEST(ChannelFeed, StopEndsDelivery) {
  World world;
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(std::nullopt);
  world.run();
  world.publish("room");
  EXPECT_EQ(sink.offsets(), (Offsets{1}));
  feed.stop();
  world.run();
  EXPECT_EQ(world.hub->channel_count(), 0u);
  int deliveries = world.deliveries;
  world.publish("room");
  EXPECT_EQ(sink.offsets(), (Offsets{1}));
  EXPECT_EQ(world.deliveries, deliveries);  // the hub no longer watches the channel
}

TEST(ChannelFeed, StopBeforeHistoryAnswersDeliversNothing) {
  World world;
  Cursor last = world.publish_n("room", 3);
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(ResumePoint::from_cursor({last.epoch, 0}));
  feed.stop();
  world.run();
  world.publish("room");
  EXPECT_TRUE(sink.records.empty());
  EXPECT_FALSE(feed.started());
}

TEST(ChannelFeed, DestroyingAFeedBeforeHistoryAnswersIsSafe) {
  World world;
  Cursor last = world.publish_n("room", 3);
  RecordingSink sink;
  {
    ChannelFeed feed(*world.hub, "room", sink);
    feed.start(ResumePoint::from_cursor({last.epoch, 0}));
  }
  world.run();
  world.publish("room");
  EXPECT_TRUE(sink.records.empty());
  EXPECT_EQ(world.hub->channel_count(), 0u);
}

TEST(ChannelFeed, StoppingInsideOnFeedMessageDuringHistoryStopsTheRest) {
  World world;
  Cursor last = world.publish_n("room", 4);
  RecordingSink sink;
  sink.on_message = [](ChannelFeed& feed, const MessagePtr&) { feed.stop(); };
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(ResumePoint::from_cursor({last.epoch, 0}));
  world.run();
  world.publish("room");
  EXPECT_EQ(sink.offsets(), (Offsets{1}));
  EXPECT_EQ(world.hub->channel_count(), 0u);
}

TEST(ChannelFeed, FeedStoppingItselfDuringLiveDeliveryLeavesOthersUntouched) {
  World world;
  RecordingSink quitter_sink;
  quitter_sink.on_message = [](ChannelFeed& feed, const MessagePtr&) { feed.stop(); };
  RecordingSink first_sink;
  RecordingSink last_sink;
  ChannelFeed first(*world.hub, "room", first_sink);
  ChannelFeed quitter(*world.hub, "room", quitter_sink);
  ChannelFeed last(*world.hub, "room", last_sink);
  first.start(std::nullopt);
  quitter.start(std::nullopt);
  last.start(std::nullopt);
  world.run();

  world.publish("room");
  world.publish("room");
  world.publish("room");
  EXPECT_EQ(quitter_sink.offsets(), (Offsets{1}));
  EXPECT_EQ(first_sink.offsets(), (Offsets{1, 2, 3}));
  EXPECT_EQ(last_sink.offsets(), (Offsets{1, 2, 3}));
  EXPECT_EQ(world.hub->channel_count(), 1u);
}

TEST(ChannelFeed, FeedStoppingAnotherDuringDeliverySparesItTheMessage) {
  World world;
  RecordingSink victim_sink;
  RecordingSink killer_sink;
  ChannelFeed killer(*world.hub, "room", killer_sink);
  ChannelFeed victim(*world.hub, "room", victim_sink);
  killer_sink.on_message = [&](ChannelFeed&, const MessagePtr&) { victim.stop(); };
  killer.start(std::nullopt);
  victim.start(std::nullopt);
  world.run();
  world.publish("room");
  world.publish("room");
  EXPECT_EQ(killer_sink.offsets(), (Offsets{1, 2}));
  EXPECT_TRUE(victim_sink.offsets().empty());
}

TEST(ChannelFeed, EveryFeedStoppingDuringDeliveryUnwatchesTheChannel) {
  World world;
  RecordingSink a_sink;
  RecordingSink b_sink;
  a_sink.on_message = [](ChannelFeed& feed, const MessagePtr&) { feed.stop(); };
  b_sink.on_message = [](ChannelFeed& feed, const MessagePtr&) { feed.stop(); };
  ChannelFeed a(*world.hub, "room", a_sink);
  ChannelFeed b(*world.hub, "room", b_sink);
  a.start(std::nullopt);
  b.start(std::nullopt);
  world.run();
  world.publish("room");
  world.run();
  EXPECT_EQ(a_sink.offsets(), (Offsets{1}));
  EXPECT_EQ(b_sink.offsets(), (Offsets{1}));
  EXPECT_EQ(world.hub->channel_count(), 0u);
  int deliveries = world.deliveries;
  world.publish("room");
  EXPECT_EQ(world.deliveries, deliveries);
}

TEST(ChannelFeed, AFeedStartedDuringDeliveryGetsTheMessageFromHistoryOnce) {
  World world;
  RecordingSink late_sink;
  ChannelFeed late(*world.hub, "room", late_sink);
  RecordingSink starter_sink;
  ChannelFeed starter(*world.hub, "room", starter_sink);
  starter_sink.on_message = [&](ChannelFeed&, const MessagePtr& message) {
    if (message->offset == 1) late.start(ResumePoint::from_cursor({message->epoch, 0}));
  };
  starter.start(std::nullopt);
  world.run();
  world.publish("room");
  world.publish("room");
  EXPECT_EQ(late_sink.offsets(), (Offsets{1, 2}));
}

TEST(ChannelFeed, FeedsOnOtherChannelsSeeNothing) {
  World world;
  RecordingSink a_sink;
  RecordingSink b_sink;
  ChannelFeed a(*world.hub, "a", a_sink);
  ChannelFeed b(*world.hub, "b", b_sink);
  a.start(std::nullopt);
  b.start(std::nullopt);
  world.run();
  world.publish("a");
  world.publish("a");
  world.publish("b");
  EXPECT_EQ(a_sink.offsets(), (Offsets{1, 2}));
  EXPECT_EQ(b_sink.offsets(), (Offsets{1}));
  EXPECT_EQ(world.hub->channel_count(), 2u);
}

TEST(ChannelFeed, EngineFailureIsReportedAndStopsTheFeed) {
  MemoryEngineConfig config;
  config.max_channels = 0;
  World world(config);
  RecordingSink sink;
  ChannelFeed feed(*world.hub, "room", sink);
  feed.start(std::nullopt);
  world.run();
  ASSERT_EQ(sink.events(), (Kinds{Record::failed}));
  EXPECT_FALSE(sink.records[0].reason.empty());
  EXPECT_EQ(world.hub->channel_count(), 0u);
}

}  // namespace
}  // namespace herald
