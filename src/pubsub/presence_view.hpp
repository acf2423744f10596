// One subscriber's view of a channel's presence: the list it got when it joined (the snapshot) and the
// joins and leaves after it. Changes can arrive before the snapshot (both travel from the channel's
// owner separately); they are held and, once the snapshot is there, only those it does not already
// contain are shown. A view that keeps the set (rooms, which check who is a peer) also drops later
// changes that change nothing.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/presence.hpp"

namespace herald {

class PresenceView {
 public:
  // `keep_set`: remember who is present after the snapshot (costs one id per present client).
  explicit PresenceView(bool keep_set) : keep_set_(keep_set) {}

  // The changes to show for `event` now: none while the snapshot is awaited, else the event if it is news.
  std::vector<PresenceEvent> on_change(const PresenceEvent& event);
  // Takes the snapshot; returns the held changes that happened after it, in order.
  std::vector<PresenceEvent> on_snapshot(const PresenceClients& clients);

  bool ready() const { return ready_; }
  // Whether `id` is present (for a view that keeps the set; false otherwise).
  bool contains(std::string_view id) const { return present_.contains(std::string(id)); }
  std::size_t size() const { return present_.size(); }

 private:
  // Applies a change to the set; whether it changed anything (always true for a view without a set).
  bool apply(const PresenceEvent& event);

  bool keep_set_;
  bool ready_ = false;
  std::unordered_set<std::string> present_;
  std::vector<PresenceEvent> held_;
};

}  // namespace herald
