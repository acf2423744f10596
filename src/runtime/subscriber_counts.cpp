// Subscriber counts (see subscriber_counts.hpp).
#include "runtime/subscriber_counts.hpp"

namespace herald {

void SubscriberSeat::release() {
  if (counts_ == nullptr) return;
  std::exchange(counts_, nullptr)->give_back(channel_);
}

std::optional<SubscriberSeat> SubscriberCounts::take(const std::string& channel, std::size_t limit) {
  if (limit == 0) return SubscriberSeat{};
  std::lock_guard lock(mutex_);
  std::size_t& count = counts_[channel];  // a channel that is full has a count of at least 1
  if (count >= limit) return std::nullopt;
  ++count;
  return SubscriberSeat(*this, channel);
}

std::size_t SubscriberCounts::count(const std::string& channel) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(channel);
  return it == counts_.end() ? 0 : it->second;
}

void SubscriberCounts::give_back(const std::string& channel) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(channel);
  if (it == counts_.end()) return;
  if (--it->second == 0) counts_.erase(it);
}

}  // namespace herald
