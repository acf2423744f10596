// History policy (see history_policy.hpp).
#include "engine/history_policy.hpp"

#include <algorithm>

namespace herald {

HistoryPolicy::HistoryPolicy(const ChannelLimits& limits)
    : defaults_{limits.history_size, limits.history_ttl_ms} {
  for (const auto& rule : limits.history_rules)
    rules_.push_back(Rule{rule.prefix, {rule.history_size, rule.history_ttl_ms}});
  std::stable_sort(rules_.begin(), rules_.end(),
                   [](const Rule& a, const Rule& b) { return a.prefix.size() > b.prefix.size(); });
}

HistoryLimits HistoryPolicy::limits_of(std::string_view channel) const {
  for (const auto& rule : rules_)
    if (channel.starts_with(rule.prefix)) return rule.limits;
  return defaults_;
}

}  // namespace herald
