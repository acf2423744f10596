// One subscriber's view of a channel's presence: the list it got when it joined (the snapshot) and the
// joins and leaves after it. Changes can arrive before the snapshot (both travel from the channel's
// owner separately); they are held and, once the snapshot is there, only those it does not already
// contain are shown. A view that keeps the set (rooms, which check who is a peer) also drops later
// changes that change nothing. A view with a room size shows only the first that many to join: one who
// joins a full room is refused (room_full) and leaves at once, so the others never hear of it.
#pragma once
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/presence.hpp"

namespace herald {

class PresenceView {
 public:
  static constexpr std::size_t kAnySize = std::numeric_limits<std::size_t>::max();

  // `keep_set`: remember who is present after the snapshot (costs one id per present client).
  // `room_size` (with a set): joins while that many are present are not shown, nor are their leaves.
  explicit PresenceView(bool keep_set, std::size_t room_size = kAnySize)
      : keep_set_(keep_set), room_size_(room_size) {}

  // The changes to show for `event` now: none while the snapshot is awaited, else the event if it is news.
  std::vector<PresenceEvent> on_change(const PresenceEvent& event);
  // Takes the snapshot (in join order); returns the held changes that happened after it, in order.
  std::vector<PresenceEvent> on_snapshot(const PresenceClients& clients);

  bool ready() const { return ready_; }
  // Whether `id` is present and shown (for a view that keeps the set; false otherwise).
  bool contains(std::string_view id) const {
    std::string key(id);
    return present_.contains(key) && !unshown_.contains(key);
  }
  std::size_t size() const { return present_.size() - unshown_.size(); }

 private:
  // Applies a change to the set if the view keeps one; whether it is to be shown (always, without a set).
  bool apply(const PresenceEvent& event);
  // Applies a change to the set; whether it changed who is shown.
  bool apply_to_set(const PresenceEvent& event);

  bool keep_set_;
  std::size_t room_size_;
  bool ready_ = false;
  std::unordered_set<std::string> present_;  // everyone present, shown or not
  std::unordered_set<std::string> unshown_;  // those who joined a full room
  std::vector<PresenceEvent> held_;
};

}  // namespace herald
