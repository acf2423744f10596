// How many subscribers each channel with a subscriber limit ([[namespace]] max_subscribers) has on this
// node, shared by every worker, so that the limit is exact however the clients spread over the workers.
// Only channels with a limit are counted, under one small lock taken when a subscription starts or ends
// (never per message); a channel leaves the table with its last subscriber. A subscription holds its
// place as a SubscriberSeat, which gives it back when it is destroyed or released, however the
// subscription ends.
#pragma once
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace herald {

class SubscriberCounts;

// One subscriber's place on a channel; empty for a channel without a limit.
class SubscriberSeat {
 public:
  SubscriberSeat() = default;
  SubscriberSeat(SubscriberSeat&& other) noexcept
      : counts_(std::exchange(other.counts_, nullptr)), channel_(std::move(other.channel_)) {}
  SubscriberSeat& operator=(SubscriberSeat&& other) noexcept {
    if (this != &other) {
      release();
      counts_ = std::exchange(other.counts_, nullptr);
      channel_ = std::move(other.channel_);
    }
    return *this;
  }
  SubscriberSeat(const SubscriberSeat&) = delete;
  SubscriberSeat& operator=(const SubscriberSeat&) = delete;
  ~SubscriberSeat() { release(); }

  // Gives the place back now (nothing if it is empty or given back already).
  void release();
  bool counted() const { return counts_ != nullptr; }

 private:
  friend class SubscriberCounts;
  SubscriberSeat(SubscriberCounts& counts, std::string channel)
      : counts_(&counts), channel_(std::move(channel)) {}

  SubscriberCounts* counts_ = nullptr;
  std::string channel_;
};

class SubscriberCounts {
 public:
  // A seat on `channel`, whose limit is `limit` (0: none, and nothing is counted), or nullopt when the
  // channel has `limit` subscribers already.
  std::optional<SubscriberSeat> take(const std::string& channel, std::size_t limit);
  // Subscribers counted on `channel` now.
  std::size_t count(const std::string& channel) const;

 private:
  friend class SubscriberSeat;
  void give_back(const std::string& channel);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> counts_;
};

}  // namespace herald
