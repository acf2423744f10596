// Hub (see hub.hpp).
#include "pubsub/hub.hpp"

#include <algorithm>

namespace herald {

void Hub::add(const std::string& channel, Subscriber& subscriber) {
  auto [it, inserted] = channels_.try_emplace(channel);
  Listeners& listeners = it->second;
  subscriber.hub_slot_ = listeners.subscribers.size();
  listeners.subscribers.push_back(&subscriber);
  if (listeners.watch_id == 0)
    start_watch(channel, listeners);
  else if (listeners.watching)
    subscriber.on_watching();
}

void Hub::start_watch(const std::string& channel, Listeners& listeners) {
  listeners.watch_id = ++last_watch_id_;
  listeners.watching = false;
  engine_.watch(worker_, channel, [this, channel, id = listeners.watch_id](WatchOutcome outcome) {
    on_watched(channel, id, outcome);
  });
}

void Hub::on_watched(const std::string& channel, std::uint64_t watch_id, const WatchOutcome& outcome) {
  auto it = channels_.find(channel);
  if (it == channels_.end() || it->second.watch_id != watch_id) return;  // left (and maybe watched again)
  Listeners& listeners = it->second;
  if (outcome.status == EngineStatus::ok) {
    listeners.watching = true;
    notify_all(channel, [](Subscriber& subscriber) { subscriber.on_watching(); });
    return;
  }
  // Each subscriber leaves the hub before it hears why, so whatever it does next (leave, come back,
  // end its connection) finds the hub consistent. Those that come back get a new watch.
  listeners.watch_id = 0;
  const std::size_t count = listeners.subscribers.size();
  ++listeners.notifying;
  for (std::size_t i = 0; i < count; ++i) {
    Subscriber* subscriber = listeners.subscribers[i];
    if (subscriber == nullptr) continue;
    listeners.subscribers[i] = nullptr;
    ++listeners.removed;
    subscriber->on_watch_failed(outcome.status, outcome.error);
  }
  --listeners.notifying;
  if (listeners.notifying == 0) {
    compact(listeners);
    forget_if_empty(channel);
  }
}

void Hub::remove(const std::string& channel, Subscriber& subscriber) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  Listeners& listeners = it->second;
  std::size_t slot = subscriber.hub_slot_;
  if (slot >= listeners.subscribers.size() || listeners.subscribers[slot] != &subscriber) return;
  if (listeners.notifying > 0) {
    listeners.subscribers[slot] = nullptr;
    ++listeners.removed;
    return;
  }
  Subscriber* last = listeners.subscribers.back();
  listeners.subscribers[slot] = last;
  last->hub_slot_ = slot;
  listeners.subscribers.pop_back();
  forget_if_empty(channel);
}

template <typename Notify>
void Hub::notify_all(const std::string& channel, Notify notify) {
  auto it = channels_.find(channel);
  if (it != channels_.end()) notify_listeners(channel, it->second, notify);
}

template <typename Notify>
void Hub::notify_listeners(const std::string& channel, Listeners& listeners, Notify notify) {
  // The entry stays while notifying (removals only clear slots), and references into an unordered_map
  // survive insertions.
  ++listeners.notifying;
  // Subscribers added meanwhile are past `count`: they get what this is about from their history read.
  const std::size_t count = listeners.subscribers.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (Subscriber* subscriber = listeners.subscribers[i]) notify(*subscriber);
  }
  --listeners.notifying;
  if (listeners.notifying == 0 && listeners.removed > 0) {
    compact(listeners);
    forget_if_empty(channel);
  }
}

const Cursor* Hub::known_head(const std::string& channel) const {
  auto it = channels_.find(channel);
  if (it == channels_.end() || !it->second.watching || !it->second.head) return nullptr;
  return &*it->second.head;
}

void Hub::note_position(const std::string& channel, const Cursor& cursor) {
  auto it = channels_.find(channel);
  if (it != channels_.end() && it->second.watching) advance_head(it->second, cursor);
}

// Only forward within one epoch; two epochs leave the head unknown until the next live message.
void Hub::advance_head(Listeners& listeners, const Cursor& cursor) {
  if (!keeps_heads()) return;
  auto& head = listeners.head;
  if (!head)
    head = cursor;
  else if (head->epoch != cursor.epoch)
    head.reset();
  else if (cursor.offset > head->offset)
    head->offset = cursor.offset;
}

void Hub::on_message(const MessagePtr& message) {
  auto it = channels_.find(message->channel);
  if (it == channels_.end()) return;
  Listeners& listeners = it->second;
  if (listeners.watching && keeps_heads()) {
    // Every message after a live one comes live too: the head is at least here, in whatever epoch.
    if (listeners.head && listeners.head->epoch == message->epoch)
      listeners.head->offset = std::max(listeners.head->offset, message->offset);
    else
      listeners.head = message->cursor();
  }
  notify_listeners(message->channel, listeners,
                   [&message](Subscriber& subscriber) { subscriber.on_live(message); });
}

void Hub::on_position_check(const std::string& channel) { check_position(channel, true); }

void Hub::on_presence(const PresenceEvent& event) {
  notify_all(event.channel, [&event](Subscriber& subscriber) { subscriber.on_presence(event); });
}

void Hub::tick(std::chrono::steady_clock::time_point now) {
  auto interval = engine_.position_check_interval();
  if (interval == interval.zero() || now - last_position_check_ < interval) return;
  last_position_check_ = now;
  // The checks complete later, so the map does not change while this loop runs.
  for (auto& [channel, listeners] : channels_)
    if (listeners.watching) check_position(channel, false);
}

void Hub::check_position(const std::string& channel, bool engine_asked) {
  auto it = channels_.find(channel);
  if (it == channels_.end() || !it->second.watching || it->second.checking) return;
  it->second.checking = true;
  HistoryRequest request{channel, std::nullopt, 0};  // limit 0: only the position
  engine_.history(worker_, std::move(request),
                  [this, channel, engine_asked, id = it->second.watch_id](HistoryOutcome outcome) {
                    auto found = channels_.find(channel);
                    if (found == channels_.end() || found->second.watch_id != id) return;
                    found->second.checking = false;
                    if (outcome.status != EngineStatus::ok) return;  // the next check tries again
                    notify_all(channel, [&outcome, engine_asked](Subscriber& subscriber) {
                      subscriber.on_position(outcome.cursor, engine_asked);
                    });
                  });
}

void Hub::compact(Listeners& listeners) {
  std::size_t kept = 0;
  for (Subscriber* subscriber : listeners.subscribers) {
    if (subscriber == nullptr) continue;
    subscriber->hub_slot_ = kept;
    listeners.subscribers[kept++] = subscriber;
  }
  listeners.subscribers.resize(kept);
  listeners.removed = 0;
}

void Hub::forget_if_empty(const std::string& channel) {
  auto it = channels_.find(channel);
  if (it == channels_.end() || !it->second.subscribers.empty()) return;
  bool watch_started = it->second.watch_id != 0;  // a failed watch needs no unwatch
  channels_.erase(it);
  if (watch_started) engine_.unwatch(worker_, channel);
}

}  // namespace herald
