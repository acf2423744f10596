// History ring (see history_ring.hpp).
#include "engine/memory/history_ring.hpp"

#include <algorithm>

namespace herald {

void HistoryRing::append(MessagePtr message) {
  if (max_count_ == 0) return;
  messages_.push_back(std::move(message));
  while (messages_.size() > max_count_) messages_.pop_front();
}

void HistoryRing::trim(std::int64_t now_ms) {
  while (!messages_.empty() && now_ms - messages_.front()->time_ms > max_age_ms_) messages_.pop_front();
}

std::vector<MessagePtr> HistoryRing::after(std::uint64_t after, std::size_t limit) const {
  std::vector<MessagePtr> out;
  if (messages_.empty() || after >= last_offset()) return out;
  std::size_t start = after < first_offset() ? 0 : static_cast<std::size_t>(after + 1 - first_offset());
  std::size_t count = std::min(limit, messages_.size() - start);
  out.assign(messages_.begin() + start, messages_.begin() + start + count);
  return out;
}

std::vector<MessagePtr> HistoryRing::newest(std::size_t limit) const {
  std::size_t count = std::min(limit, messages_.size());
  return std::vector<MessagePtr>(messages_.end() - count, messages_.end());
}

}  // namespace herald
