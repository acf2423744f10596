// The retained history of one channel: the most recent messages, bounded by count and by age. Offsets
// in the ring are consecutive, so a resume position maps to an index without searching.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "protocol/encoded_message.hpp"

namespace herald {

class HistoryRing {
 public:
  HistoryRing(std::size_t max_count, std::int64_t max_age_ms)
      : max_count_(max_count), max_age_ms_(max_age_ms) {}

  // Appends the next message (offset = last_offset() + 1), evicting the oldest beyond max_count.
  void append(MessagePtr message);
  // Evicts messages older than max_age at `now_ms`.
  void trim(std::int64_t now_ms);
  void clear() { messages_.clear(); }

  bool empty() const { return messages_.empty(); }
  std::size_t size() const { return messages_.size(); }
  std::uint64_t first_offset() const { return messages_.empty() ? 0 : messages_.front()->offset; }
  std::uint64_t last_offset() const { return messages_.empty() ? 0 : messages_.back()->offset; }

  // Messages with offset > `after`, oldest first, at most `limit`.
  std::vector<MessagePtr> after(std::uint64_t after, std::size_t limit) const;
  // The newest `limit` messages, oldest first.
  std::vector<MessagePtr> newest(std::size_t limit) const;

 private:
  std::size_t max_count_;
  std::int64_t max_age_ms_;
  std::deque<MessagePtr> messages_;
};

}  // namespace herald
