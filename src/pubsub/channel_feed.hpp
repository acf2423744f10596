// One subscription's view of one channel: resumes from a client's position and then follows live
// messages, handing them on strictly in offset order, without duplicates and without holes. It first
// waits until the hub's watch of the channel is confirmed, then reads history; while it reads it buffers
// live messages, then merges them. Any hole or epoch change in the live flow, and any position check
// showing messages it has not seen, sends it back to history, which either fills the hole or reports the
// loss as a gap. Once started, a feed outlives an engine that is unavailable for a while: a read that
// fails then is tried again at the next position check or live message. Every transport (SSE, long
// polling, WebSocket) subscribes through this class.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pubsub/hub.hpp"

namespace herald {

class ChannelFeed;

// Where a feed sends what it has to say, always on the feed's worker thread.
class FeedSink {
 public:
  virtual void on_feed_message(ChannelFeed& feed, const MessagePtr& message) = 0;
  virtual void on_feed_gap(ChannelFeed& feed, const Gap& gap) = 0;
  // The first history read answered: position() is where this feed starts (before anything it sends).
  virtual void on_feed_started(ChannelFeed&) {}
  // A batch of messages ended (a history read or one live message): a good moment to write.
  virtual void on_feed_ready(ChannelFeed& feed) = 0;
  // The engine could not serve the feed (the watch or a history read failed); it has stopped.
  virtual void on_feed_failed(ChannelFeed& feed, const std::string& reason) = 0;
  // Someone joined or left the channel's presence (sinks that do not push presence ignore it).
  virtual void on_feed_presence(ChannelFeed&, const PresenceEvent&) {}

 protected:
  ~FeedSink() = default;
};

class ChannelFeed final : public Subscriber {
 public:
  // `batch_limit`: messages asked from history at once. `buffer_limit`: live messages held while
  // history is read; past it they are dropped and read again from history.
  ChannelFeed(Hub& hub, std::string channel, FeedSink& sink, std::size_t batch_limit = 1000,
              std::size_t buffer_limit = 10000);
  ~ChannelFeed();
  ChannelFeed(const ChannelFeed&) = delete;
  ChannelFeed& operator=(const ChannelFeed&) = delete;

  // Starts following the channel after `since`, or from now on when nullopt.
  void start(std::optional<ResumePoint> since);
  void stop();

  const std::string& channel() const { return channel_; }
  // The position just before the next message this feed sends (valid once started() is true).
  const Cursor& position() const { return position_; }
  bool started() const { return started_; }
  // Whether the feed resumed from a position the client gave without a gap (valid once started).
  bool recovered() const { return recovered_; }
  // How the engine failed the feed (after on_feed_failed).
  EngineStatus failure() const { return failure_; }
  // Whether the last history read left messages for another read (the feed is still catching up).
  bool catching_up() const { return history_has_more_; }
  // Index of this feed in its owner's list of feeds (for the owner's use).
  std::size_t index = 0;

  // Subscriber (the hub).
  void on_watching() override;
  void on_watch_failed(EngineStatus status, const std::string& reason) override;
  void on_live(const MessagePtr& message) override;
  void on_position(const Cursor& position, bool engine_asked) override;
  void on_presence(const PresenceEvent& event) override;

 private:
  void fail(EngineStatus status, const std::string& reason);
  // Reads back from history what the live flow did not bring (a hole, a new epoch, a position ahead).
  void repair();
  void read_history(std::optional<ResumePoint> since, std::int64_t since_time_ms = 0);
  bool start_at_known_head(const std::optional<ResumePoint>& since);
  void on_history(HistoryOutcome outcome);
  Cursor start_position(const HistoryOutcome& outcome) const;
  void apply_buffered();
  // Returns false when the message shows a hole or a new epoch (history must be read again).
  bool apply_live(const MessagePtr& message);

  Hub& hub_;
  std::string channel_;
  FeedSink& sink_;
  std::size_t batch_limit_;
  std::size_t buffer_limit_;
  Cursor position_;
  std::int64_t position_time_ms_ = 0;  // the time of the message at position_ as delivered; 0: unknown
  bool started_ = false;
  bool resuming_ = false;  // started with a position from the client
  bool recovered_ = false;
  bool history_has_more_ = false;
  bool subscribed_ = false;
  bool reading_history_ = false;  // from start() until history and live are merged
  std::unique_ptr<ResumePoint>
      since_;  // where to resume once the watch is confirmed (a started feed holds none)
  bool buffer_overflowed_ = false;
  bool repairing_ = false;       // the running reads fill what the live flow lost
  bool repair_pending_ = false;  // a read after a hole failed while the engine was unavailable: retry
  EngineStatus failure_ = EngineStatus::ok;
  std::vector<MessagePtr> buffered_;
  std::shared_ptr<ChannelFeed*>
      self_;  // while a history read runs: cleared on destruction, guards its answer
};

}  // namespace herald
