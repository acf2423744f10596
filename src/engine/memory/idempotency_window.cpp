// Idempotency window (see idempotency_window.hpp).
#include "engine/memory/idempotency_window.hpp"

namespace herald {

std::string IdempotencyWindow::compose(const std::string& channel, const std::string& key) {
  // '\n' cannot occur in a channel name, so the composition is unambiguous.
  return channel + '\n' + key;
}

std::optional<Cursor> IdempotencyWindow::find(const std::string& channel, const std::string& key,
                                              std::int64_t now_ms) const {
  auto it = entries_.find(compose(channel, key));
  if (it == entries_.end() || it->second.expires_ms <= now_ms) return std::nullopt;
  return it->second.cursor;
}

void IdempotencyWindow::remember(const std::string& channel, const std::string& key, const Cursor& cursor,
                                 std::int64_t now_ms) {
  if (max_entries_ == 0) return;
  while (entries_.size() >= max_entries_ && !expiry_order_.empty()) evict_oldest();
  std::string composed = compose(channel, key);
  std::int64_t expires = now_ms + window_ms_;
  entries_[composed] = Entry{cursor, expires};
  expiry_order_.emplace_back(expires, std::move(composed));
}

void IdempotencyWindow::expire(std::int64_t now_ms) {
  while (!expiry_order_.empty() && expiry_order_.front().first <= now_ms) evict_oldest();
}

void IdempotencyWindow::evict_oldest() {
  if (expiry_order_.empty()) return;
  auto& [expires, composed] = expiry_order_.front();
  auto it = entries_.find(composed);
  // A key remembered again later has a later expiry; only its own queue entry removes it.
  if (it != entries_.end() && it->second.expires_ms == expires) entries_.erase(it);
  expiry_order_.pop_front();
}

}  // namespace herald
