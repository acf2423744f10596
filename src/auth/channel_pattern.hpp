// Channel patterns, as tokens and namespaces name channels: an exact name, or a prefix ending in `*`
// ("chat:*" covers "chat:room1"; "*" covers every channel).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace herald {

inline bool pattern_covers(std::string_view pattern, std::string_view channel) {
  if (!pattern.empty() && pattern.back() == '*')
    return channel.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == channel;
}

inline bool any_pattern_covers(const std::vector<std::string>& patterns, std::string_view channel) {
  for (const auto& pattern : patterns)
    if (pattern_covers(pattern, channel)) return true;
  return false;
}

}  // namespace herald
