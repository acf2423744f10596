// Channel feed (see channel_feed.hpp).
#include "pubsub/channel_feed.hpp"

#include <utility>

namespace herald {

ChannelFeed::ChannelFeed(Hub& hub, std::string channel, FeedSink& sink, std::size_t batch_limit,
                         std::size_t buffer_limit)
    : hub_(hub),
      channel_(std::move(channel)),
      sink_(sink),
      batch_limit_(batch_limit),
      buffer_limit_(buffer_limit) {}

ChannelFeed::~ChannelFeed() {
  if (self_) *self_ = nullptr;
  stop();
}

void ChannelFeed::start(std::optional<ResumePoint> since) {
  subscribed_ = true;
  resuming_ = since.has_value();
  reading_history_ = true;  // live messages wait for the first history read
  if (since) since_ = std::make_unique<ResumePoint>(std::move(*since));
  hub_.add(channel_, *this);  // may confirm the watch at once
}

void ChannelFeed::on_watching() {
  if (!subscribed_ || started_ || self_) return;
  std::optional<ResumePoint> since;
  if (since_) since = std::move(*since_);
  since_.reset();
  if (start_at_known_head(since)) return;
  read_history(std::move(since));
}

// A feed that starts "from now", or from the head the hub knows for the channel, would read nothing
// from history: it starts at the head instead, answered on this worker after what is queued now (as
// a read would be), so that every sink hears of the start later, never inside start().
bool ChannelFeed::start_at_known_head(const std::optional<ResumePoint>& since) {
  const Cursor* head = hub_.known_head(channel_);
  if (head == nullptr || (since && !(since->cursor && *since->cursor == *head))) return false;
  HistoryOutcome outcome;
  outcome.cursor = *head;
  reading_history_ = true;
  self_ = std::make_shared<ChannelFeed*>(this);
  hub_.defer([self = self_, outcome = std::move(outcome)]() mutable {
    if (ChannelFeed* feed = *self; feed != nullptr && feed->subscribed_) feed->on_history(std::move(outcome));
  });
  return true;
}

void ChannelFeed::on_watch_failed(EngineStatus status, const std::string& reason) {
  subscribed_ = false;  // the hub has let go of this feed already
  fail(status, reason);
}

void ChannelFeed::fail(EngineStatus status, const std::string& reason) {
  failure_ = status;
  stop();
  sink_.on_feed_failed(*this, reason);
}

void ChannelFeed::stop() {
  if (subscribed_) hub_.remove(channel_, *this);
  subscribed_ = false;
  buffered_.clear();
  since_.reset();
}

void ChannelFeed::read_history(std::optional<ResumePoint> since, std::int64_t since_time_ms) {
  reading_history_ = true;
  std::size_t limit = since ? batch_limit_ : 0;  // from now on: only the current position
  HistoryRequest request{channel_, std::move(since), limit, since_time_ms};
  self_ = std::make_shared<ChannelFeed*>(this);  // one read at a time; dropped when it answers
  hub_.engine().history(hub_.worker(), std::move(request), [self = self_](HistoryOutcome outcome) {
    if (ChannelFeed* feed = *self; feed != nullptr && feed->subscribed_) feed->on_history(std::move(outcome));
  });
}

void ChannelFeed::on_history(HistoryOutcome outcome) {
  self_.reset();  // the answer's callback holds the token until it returns; idle feeds keep none
  if (outcome.status != EngineStatus::ok) {
    if (!started_ || outcome.status != EngineStatus::unavailable) return fail(outcome.status, outcome.error);
    // The feed was delivering: keep it, with its position, and read again once the engine is back.
    reading_history_ = false;
    repair_pending_ = true;
    buffered_.clear();
    return;
  }
  repair_pending_ = false;
  if (!outcome.more) hub_.note_position(channel_, outcome.cursor);
  if (repairing_) hub_.count_repaired(outcome.messages.size());
  if (!started_) {
    started_ = true;
    recovered_ = resuming_ && !outcome.gap;
    position_ = outcome.gap ? outcome.gap->continue_from : start_position(outcome);
    sink_.on_feed_started(*this);
  }
  if (outcome.gap) {
    position_ = outcome.gap->continue_from;
    position_time_ms_ = 0;
    sink_.on_feed_gap(*this, *outcome.gap);
  }
  for (const auto& message : outcome.messages) {
    if (!subscribed_) return;  // the sink stopped the feed
    position_ = message->cursor();
    position_time_ms_ = message->time_ms;
    sink_.on_feed_message(*this, message);
  }
  if (!subscribed_) return;
  if (!(outcome.cursor == position_)) position_time_ms_ = 0;
  position_ = outcome.cursor;
  history_has_more_ = outcome.more;
  if (outcome.more || buffer_overflowed_) {
    buffer_overflowed_ = false;
    buffered_.clear();
    sink_.on_feed_ready(*this);
    if (subscribed_) read_history(ResumePoint::from_cursor(position_));
    return;
  }
  reading_history_ = false;
  repairing_ = false;
  apply_buffered();
  if (subscribed_) sink_.on_feed_ready(*this);
}

Cursor ChannelFeed::start_position(const HistoryOutcome& outcome) const {
  if (outcome.messages.empty()) return outcome.cursor;
  Cursor before_first = outcome.messages.front()->cursor();
  before_first.offset -= 1;
  return before_first;
}

void ChannelFeed::apply_buffered() {
  std::vector<MessagePtr> buffered = std::move(buffered_);
  buffered_.clear();
  for (const auto& message : buffered) {
    if (!subscribed_) return;
    if (!apply_live(message)) {
      repair();
      return;
    }
  }
}

void ChannelFeed::on_live(const MessagePtr& message) {
  if (reading_history_) {
    if (buffered_.size() < buffer_limit_)
      buffered_.push_back(message);
    else
      buffer_overflowed_ = true;
    return;
  }
  if (!apply_live(message)) {
    repair();
    return;
  }
  if (subscribed_) sink_.on_feed_ready(*this);
}

void ChannelFeed::on_position(const Cursor& position, bool engine_asked) {
  if (!started_ || reading_history_) return;
  // Behind: the channel has messages this feed has not seen. Before: the channel's store went back
  // (a Redis that lost its last writes in a crash or failover); history then reports the loss as a gap.
  // After an interruption the engine asked about, a feed that knows its last message makes sure it is still
  // there (another one at its offset means the store went back and new messages took the offsets).
  bool moved = position.epoch != position_.epoch || position.offset != position_.offset;
  bool verify = engine_asked && position_time_ms_ != 0;
  if (!moved && !repair_pending_ && !verify) return;
  repair();  // the live path lost something: read it back
}

void ChannelFeed::repair() {
  repairing_ = true;
  read_history(ResumePoint::from_cursor(position_), position_time_ms_);
}

bool ChannelFeed::apply_live(const MessagePtr& message) {
  if (message->epoch != position_.epoch) return false;  // the channel's history was lost and restarted
  // The message at our position again, but another one: the channel went back (Redis lost its last writes)
  // and took new messages under offsets already delivered. History finds out what happened.
  if (message->offset == position_.offset && position_time_ms_ != 0 && message->time_ms != position_time_ms_)
    return false;
  if (message->offset <= position_.offset) return true;  // already delivered
  if (message->offset != position_.offset + 1) return false;
  position_ = message->cursor();
  position_time_ms_ = message->time_ms;
  sink_.on_feed_message(*this, message);
  return true;
}

void ChannelFeed::on_presence(const PresenceEvent& event) {
  if (subscribed_) sink_.on_feed_presence(*this, event);
}

}  // namespace herald
