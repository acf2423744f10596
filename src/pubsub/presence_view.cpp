// Presence views (see presence_view.hpp).
#include "pubsub/presence_view.hpp"

namespace herald {

bool PresenceView::apply(const PresenceEvent& event) { return !keep_set_ || apply_to_set(event); }

bool PresenceView::apply_to_set(const PresenceEvent& event) {
  const std::string& id = event.client.id;
  if (event.change == PresenceChange::join) {
    bool full = present_.size() >= room_size_;
    if (!present_.insert(id).second) return false;
    if (full) unshown_.insert(id);
    return !full;
  }
  if (present_.erase(id) == 0) return false;
  return unshown_.erase(id) == 0;
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
  present_.clear();
  unshown_.clear();
  for (const auto& client : clients) {
    if (present_.size() >= room_size_) unshown_.insert(client.id);
    present_.insert(client.id);
  }
  std::vector<PresenceEvent> news;
  for (auto& event : held_) {
    bool joined = event.change == PresenceChange::join;
    // A join the snapshot shows, or a leave of someone it does not show, happened before it.
    if (present_.contains(event.client.id) == joined) continue;
    if (apply_to_set(event)) news.push_back(std::move(event));
  }
  held_.clear();
  if (!keep_set_) present_.clear();  // only needed to sort out the held changes
  return news;
}

}  // namespace herald
