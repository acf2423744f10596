// The hub over an engine that behaves like one across a network: watches confirmed later (or refused),
// a live path that loses messages, position checks. Feeds must wait for the watch, fail with it, and
// recover what the live path lost through the position checks.
#include "pubsub/hub.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engine/memory/memory_engine.hpp"
#include "pubsub/channel_feed.hpp"

namespace herald {
namespace {
namespace asio = boost::asio;
using Offsets = std::vector<std::uint64_t>;
using Clock = std::chrono::steady_clock;

// A memory engine behind a script: watch completions are held until the test releases them, live
// messages can be lost on purpose, and hubs are asked to check positions every second.
class ScriptedEngine final : public Engine, public EngineEvents {
 public:
  explicit ScriptedEngine(asio::io_context& context)
      : inner_(std::vector<asio::any_io_executor>{context.get_executor()}, MemoryEngineConfig{}) {
    inner_.attach(0, *this);
  }

  void attach(WorkerId, EngineEvents& events) override { events_ = &events; }
  void start() override {}
  void stop() override {}
  void publish(WorkerId from, PublishRequest request, PublishCompletion done) override {
    inner_.publish(from, std::move(request), std::move(done));
  }
  void history(WorkerId from, HistoryRequest request, HistoryCompletion done) override {
    ++history_reads;
    since_times.push_back(request.since_time_ms);
    inner_.history(from, std::move(request), std::move(done));
  }
  void watch(WorkerId worker, std::string channel, WatchCompletion done) override {
    ++watches;
    inner_.watch(worker, channel, [](WatchOutcome) {});
    held_.push_back(std::move(done));
  }
  void unwatch(WorkerId worker, std::string channel) override {
    ++unwatches;
    inner_.unwatch(worker, std::move(channel));
  }
  void join(WorkerId from, std::string channel, PresenceClient client, PresenceCompletion done) override {
    inner_.join(from, std::move(channel), std::move(client), std::move(done));
  }
  void leave(WorkerId from, std::string channel, std::string client_id) override {
    inner_.leave(from, std::move(channel), std::move(client_id));
  }
  void presence(WorkerId from, std::string channel, PresenceCompletion done) override {
    inner_.presence(from, std::move(channel), std::move(done));
  }
  std::chrono::milliseconds position_check_interval() const override { return check_interval; }
  bool ready() const override { return true; }
  std::string description() const override { return "scripted engine"; }
  std::size_t channel_count() const override { return inner_.channel_count(); }

  // EngineEvents of the inner engine: passed on unless lost on purpose.
  void on_message(const MessagePtr& message) override {
    if (lose_live) return;
    events_->on_message(message);
  }
  void on_position_check(const std::string& channel) override { events_->on_position_check(channel); }
  void on_presence(const PresenceEvent& event) override { events_->on_presence(event); }

  // Completes the oldest held watch.
  void release_watch(WatchOutcome outcome = {}) {
    ASSERT_FALSE(held_.empty()) << "no watch is waiting";
    WatchCompletion done = std::move(held_.front());
    held_.erase(held_.begin());
    std::move(done)(std::move(outcome));
  }
  std::size_t held_watches() const { return held_.size(); }

  bool lose_live = false;
  // Zero: the engine says its live path never loses a message, so hubs keep heads and check nothing.
  std::chrono::milliseconds check_interval = std::chrono::seconds(1);
  int history_reads = 0;
  std::vector<std::int64_t> since_times;  // of every history read
  EngineEvents& hub_events() { return *events_; }
  int watches = 0;
  int unwatches = 0;

 private:
  MemoryEngine inner_;
  EngineEvents* events_ = nullptr;
  std::vector<WatchCompletion> held_;
};

class Sink final : public FeedSink {
 public:
  void on_feed_message(ChannelFeed&, const MessagePtr& message) override {
    offsets.push_back(message->offset);
  }
  void on_feed_gap(ChannelFeed&, const Gap&) override { ++gaps; }
  void on_feed_started(ChannelFeed&) override { ++starts; }
  void on_feed_ready(ChannelFeed&) override {}
  void on_feed_failed(ChannelFeed&, const std::string& reason) override { failures.push_back(reason); }

  Offsets offsets;
  int gaps = 0;
  int starts = 0;
  std::vector<std::string> failures;
};

class HubTest : public ::testing::Test {
 protected:
  HubTest() : engine(context), hub(0, engine, context.get_executor()) { engine.attach(0, hub); }

  void run() {
    context.restart();
    context.poll();
  }
  Cursor publish(const std::string& channel) {
    Cursor cursor;
    engine.publish(0, PublishRequest{channel, "message", "1", ""},
                   [&](PublishOutcome o) { cursor = o.cursor; });
    run();
    return cursor;
  }

  // Starts `feed` from now on a channel not watched yet, and confirms the watch.
  void follow(ChannelFeed& feed) {
    feed.start(std::nullopt);
    engine.release_watch();
    run();
  }

  asio::io_context context;
  ScriptedEngine engine;
  Hub hub;
  Sink sink;
};

TEST_F(HubTest, FeedsReadHistoryOnlyOnceTheWatchIsConfirmed) {
  ChannelFeed first(hub, "room", sink);
  ChannelFeed second(hub, "room", sink);
  first.start(std::nullopt);
  second.start(std::nullopt);
  run();
  EXPECT_EQ(engine.watches, 1) << "one watch per channel and worker";
  EXPECT_EQ(engine.history_reads, 0);
  EXPECT_FALSE(first.started());
  engine.release_watch();
  run();
  EXPECT_TRUE(first.started());
  EXPECT_TRUE(second.started());
  EXPECT_EQ(engine.history_reads, 2);
}

TEST_F(HubTest, AFeedJoiningAWatchedChannelStartsAtOnce) {
  ChannelFeed first(hub, "room", sink);
  first.start(std::nullopt);
  engine.release_watch();
  run();
  ChannelFeed later(hub, "room", sink);
  later.start(std::nullopt);
  run();
  EXPECT_TRUE(later.started());
  EXPECT_EQ(engine.watches, 1);
}

TEST_F(HubTest, OnALosslessEngineAFeedStartingAtTheHeadReadsNoHistory) {
  engine.check_interval = {};
  ChannelFeed first(hub, "room", sink);
  follow(first);
  EXPECT_EQ(engine.history_reads, 1);
  publish("room");
  Cursor head = publish("room");
  EXPECT_EQ(*hub.known_head("room"), head);

  Sink later_sink;
  ChannelFeed at_head(hub, "room", later_sink);
  at_head.start(ResumePoint::from_cursor(head));
  EXPECT_EQ(later_sink.starts, 0) << "the start is answered later, never inside start()";
  ChannelFeed from_now(hub, "room", later_sink);
  from_now.start(std::nullopt);
  run();
  EXPECT_EQ(engine.history_reads, 1) << "neither feed read history";
  EXPECT_EQ(later_sink.starts, 2);
  EXPECT_EQ(at_head.position(), head);
  EXPECT_TRUE(at_head.recovered());
  EXPECT_EQ(from_now.position(), head);
  publish("room");
  EXPECT_EQ(sink.offsets, (Offsets{1, 2, 3}));
  EXPECT_EQ(later_sink.offsets, (Offsets{3, 3})) << "each feed got the next message once";
}

TEST_F(HubTest, AFeedResumingBehindTheHeadReadsWhatItMissed) {
  engine.check_interval = {};
  ChannelFeed first(hub, "room", sink);
  follow(first);
  Cursor one = publish("room");
  publish("room");
  Sink later_sink;
  ChannelFeed behind(hub, "room", later_sink);
  behind.start(ResumePoint::from_cursor(one));
  run();
  EXPECT_EQ(engine.history_reads, 2);
  EXPECT_EQ(later_sink.offsets, (Offsets{2}));
  Cursor other_epoch{one.epoch == "aaaaaaaa" ? "bbbbbbbb" : "aaaaaaaa", 2};
  ChannelFeed elsewhere(hub, "room", later_sink);
  elsewhere.start(ResumePoint::from_cursor(other_epoch));
  run();
  EXPECT_EQ(engine.history_reads, 3);
  EXPECT_EQ(later_sink.gaps, 1) << "a cursor of another epoch still gets its gap from history";
}

TEST_F(HubTest, AHeadFollowsHistoryAnswersAndIsForgottenWithTheWatch) {
  engine.check_interval = {};
  publish("room");
  Cursor two = publish("room");
  {
    ChannelFeed first(hub, "room", sink);
    first.start(std::nullopt);
    EXPECT_EQ(hub.known_head("room"), nullptr) << "nothing known before the watch is confirmed";
    engine.release_watch();
    run();
    ASSERT_NE(hub.known_head("room"), nullptr);
    EXPECT_EQ(*hub.known_head("room"), two) << "the first read's answer";
  }
  EXPECT_EQ(hub.known_head("room"), nullptr) << "the last feed left: the channel is no longer watched";
}

TEST_F(HubTest, AnEngineThatMayLoseLiveMessagesKeepsNoHeads) {
  ChannelFeed first(hub, "room", sink);
  follow(first);
  Cursor head = publish("room");
  EXPECT_EQ(hub.known_head("room"), nullptr);
  ChannelFeed later(hub, "room", sink);
  later.start(ResumePoint::from_cursor(head));
  run();
  EXPECT_EQ(engine.history_reads, 2);
}

TEST_F(HubTest, MessagesPublishedWhileTheWatchIsPendingAreReadFromHistory) {
  Cursor before = publish("room");
  ChannelFeed feed(hub, "room", sink);
  feed.start(ResumePoint::from_cursor(before));
  publish("room");
  publish("room");
  engine.release_watch();
  run();
  EXPECT_EQ(sink.offsets, (Offsets{2, 3}));
  publish("room");
  EXPECT_EQ(sink.offsets, (Offsets{2, 3, 4}));
}

TEST_F(HubTest, ARefusedWatchFailsEveryWaitingFeedAndTheNextFeedWatchesAgain) {
  ChannelFeed a(hub, "room", sink);
  ChannelFeed b(hub, "room", sink);
  a.start(std::nullopt);
  b.start(std::nullopt);
  engine.release_watch(WatchOutcome{EngineStatus::unavailable, "engine down"});
  run();
  EXPECT_EQ(sink.failures, (std::vector<std::string>{"engine down", "engine down"}));
  EXPECT_EQ(hub.channel_count(), 0u);
  EXPECT_EQ(engine.unwatches, 0) << "a refused watch needs no unwatch";
  ChannelFeed c(hub, "room", sink);
  c.start(std::nullopt);
  EXPECT_EQ(engine.watches, 2);
  engine.release_watch();
  run();
  EXPECT_TRUE(c.started());
}

TEST_F(HubTest, ACompletionOfAnEarlierWatchIsNotTakenForTheCurrentOne) {
  {
    ChannelFeed gone(hub, "room", sink);
    gone.start(std::nullopt);
  }  // left before its watch answered: unwatched
  ChannelFeed feed(hub, "room", sink);
  feed.start(std::nullopt);
  EXPECT_EQ(engine.watches, 2);
  engine.release_watch();  // the first watch's answer
  run();
  EXPECT_FALSE(feed.started());
  engine.release_watch();
  run();
  EXPECT_TRUE(feed.started());
}

TEST_F(HubTest, ThePositionCheckFindsALostLastMessage) {
  ChannelFeed feed(hub, "room", sink);
  feed.start(std::nullopt);
  engine.release_watch();
  run();
  publish("room");
  engine.lose_live = true;
  publish("room");  // the last message of a burst, lost on the live path
  EXPECT_EQ(sink.offsets, (Offsets{1}));
  auto now = Clock::now();
  hub.tick(now);
  run();
  EXPECT_EQ(sink.offsets, (Offsets{1, 2}));
  EXPECT_EQ(sink.gaps, 0);
}

TEST_F(HubTest, AnotherMessageAtTheDeliveredOffsetSendsTheFeedToHistoryWithTheTimeItDelivered) {
  ChannelFeed feed(hub, "room", sink);
  feed.start(std::nullopt);
  engine.release_watch();
  run();
  Cursor first = publish("room");
  ASSERT_EQ(sink.offsets, (Offsets{1}));
  // The same message again (a duplicate from history and live) changes nothing.
  engine.since_times.clear();
  auto history = [&] {
    MessagePtr delivered;
    engine.history(0, HistoryRequest{"room", ResumePoint::from_cursor(Cursor{first.epoch, 0}), 1},
                   [&](HistoryOutcome o) { delivered = o.messages.at(0); });
    run();
    return delivered;
  };
  MessagePtr same = history();
  engine.since_times.clear();
  engine.hub_events().on_message(same);
  run();
  EXPECT_TRUE(engine.since_times.empty()) << "a duplicate is dropped without reading history";
  // Another message under the same offset (a store that went back and took a new message there).
  MessagePtr other = make_message("room", first.epoch, first.offset, same->time_ms + 1000, "message", "2");
  engine.hub_events().on_message(other);
  run();
  ASSERT_EQ(engine.since_times.size(), 1u) << "the feed reads history to find out what happened";
  EXPECT_EQ(engine.since_times[0], same->time_ms) << "with the time of the message it delivered there";
  EXPECT_EQ(sink.offsets, (Offsets{1})) << "nothing is delivered twice";
}

TEST_F(HubTest, PositionChecksRunAsOftenAsTheEngineAsks) {
  ChannelFeed feed(hub, "room", sink);
  feed.start(std::nullopt);
  engine.release_watch();
  run();
  auto now = Clock::now();
  hub.tick(now);
  run();
  int reads = engine.history_reads;
  hub.tick(now + std::chrono::milliseconds(500));
  run();
  EXPECT_EQ(engine.history_reads, reads) << "half the interval later: no check";
  hub.tick(now + std::chrono::milliseconds(1500));
  run();
  EXPECT_EQ(engine.history_reads, reads + 1) << "one position read, and nothing missed to read back";
}

TEST_F(HubTest, AnEnginesPositionCheckEventChecksAtOnce) {
  ChannelFeed feed(hub, "room", sink);
  feed.start(std::nullopt);
  engine.release_watch();
  run();
  engine.lose_live = true;
  publish("room");
  EXPECT_TRUE(sink.offsets.empty());
  hub.on_position_check("room");
  run();
  EXPECT_EQ(sink.offsets, (Offsets{1}));
}

TEST_F(HubTest, NoPositionChecksBeforeTheWatchIsConfirmed) {
  ChannelFeed feed(hub, "room", sink);
  feed.start(std::nullopt);
  hub.on_position_check("room");
  hub.tick(Clock::now());
  run();
  EXPECT_EQ(engine.history_reads, 0);
}

}  // namespace
}  // namespace herald
