// Remembers the result of each publish that carried an idempotency key for a fixed window, so that a
// retried publish returns the first result instead of publishing again. Bounded in entries: when full,
// the oldest keys are forgotten early.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/cursor.hpp"

namespace herald {

class IdempotencyWindow {
 public:
  IdempotencyWindow(std::int64_t window_ms, std::size_t max_entries)
      : window_ms_(window_ms), max_entries_(max_entries) {}

  // The cursor first published under (channel, key), if still inside the window at `now_ms`.
  std::optional<Cursor> find(const std::string& channel, const std::string& key, std::int64_t now_ms) const;
  void remember(const std::string& channel, const std::string& key, const Cursor& cursor,
                std::int64_t now_ms);
  // Forgets entries whose window has passed.
  void expire(std::int64_t now_ms);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Cursor cursor;
    std::int64_t expires_ms;
  };
  static std::string compose(const std::string& channel, const std::string& key);
  void evict_oldest();

  std::int64_t window_ms_;
  std::size_t max_entries_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::pair<std::int64_t, std::string>> expiry_order_;  // (expires_ms, composed key)
};

}  // namespace herald
