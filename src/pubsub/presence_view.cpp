// Presence views (see presence_view.hpp).
#include "pubsub/presence_view.hpp"

namespace herald {

bool PresenceView::apply(const PresenceEvent& event) {
  if (!keep_set_) return true;
  if (event.change == PresenceChange::join) return present_.insert(event.client.id).second;
  return present_.erase(event.client.id) > 0;
}

std::vector<PresenceEvent> PresenceView::on_change(const PresenceEvent& event) {
  if (!ready_) {
    held_.push_back(event);
    return {};
  }
  if (!apply(event)) return {};
  return {event};
}

std::vector<PresenceEvent> PresenceView::on_snapshot(const PresenceClients& clients) {
  ready_ = true;
  std::unordered_set<std::string> snapshot;
  for (const auto& client : clients) snapshot.insert(client.id);
  std::vector<PresenceEvent> news;
  for (auto& event : held_) {
    bool joined = event.change == PresenceChange::join;
    // A join the snapshot shows, or a leave of someone it does not show, happened before it.
    if (snapshot.contains(event.client.id) == joined) continue;
    if (joined)
      snapshot.insert(event.client.id);
    else
      snapshot.erase(event.client.id);
    news.push_back(std::move(event));
  }
  held_.clear();
  if (keep_set_) present_ = std::move(snapshot);
  return news;
}

}  // namespace herald
