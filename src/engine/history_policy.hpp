// Which history bounds a channel gets: those of the history rule with the longest prefix of its name
// (the [[namespace]] tables of the settings), else the engine's defaults. Built once per engine; the
// rules are kept longest prefix first, so a lookup stops at the first match, and without rules it is
// just the defaults.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine_config.hpp"

namespace herald {

struct HistoryLimits {
  std::size_t size = 0;     // messages kept
  std::int64_t ttl_ms = 0;  // a message older than this is dropped
};

class HistoryPolicy {
 public:
  explicit HistoryPolicy(const ChannelLimits& limits);

  HistoryLimits limits_of(std::string_view channel) const;

 private:
  struct Rule {
    std::string prefix;
    HistoryLimits limits;
  };
  HistoryLimits defaults_;
  std::vector<Rule> rules_;  // longest prefix first; of equal prefixes, the first configured first
};

}  // namespace herald
