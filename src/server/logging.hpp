// Log output: one line per notable event on stderr, human-readable or JSON (log.format).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace herald {

// The values of log.level, most verbose first: trace, debug, info, warn, error, critical, off.
const std::vector<std::string>& log_levels();
bool is_log_level(std::string_view level);

// `format` is "text" or "json", `level` one of log_levels() (the configuration has checked both).
void setup_logging(const std::string& format, const std::string& level);

}  // namespace herald
