// Hub (see hub.hpp).
#include "pubsub/hub.hpp"

namespace herald {

void Hub::add(const std::string& channel, Subscriber& subscriber) {
  auto [it, inserted] = channels_.try_emplace(channel);
  if (inserted) engine_.watch(worker_, channel);
  subscriber.hub_slot_ = it->second.subscribers.size();
  it->second.subscribers.push_back(&subscriber);
}

void Hub::remove(const std::string& channel, Subscriber& subscriber) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  Listeners& listeners = it->second;
  std::size_t slot = subscriber.hub_slot_;
  if (slot >= listeners.subscribers.size() || listeners.subscribers[slot] != &subscriber) return;
  if (listeners.delivering) {
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

void Hub::deliver(const MessagePtr& message) {
  auto it = channels_.find(message->channel);
  if (it == channels_.end()) return;
  Listeners& listeners = it->second;
  listeners.delivering = true;
  // Subscribers added during the delivery are past `count`; they get this message from history.
  const std::size_t count = listeners.subscribers.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (Subscriber* subscriber = listeners.subscribers[i]) subscriber->on_live(message);
  }
  listeners.delivering = false;
  if (listeners.removed > 0) {
    compact(listeners);
    forget_if_empty(message->channel);
  }
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
  channels_.erase(it);
  engine_.unwatch(worker_, channel);
}

}  // namespace herald
