// Log output: one line per notable event on stderr, human-readable or JSON (log.format).
#pragma once
#include <string>

namespace herald {

// Throws std::runtime_error for an unknown level.
void setup_logging(const std::string& format, const std::string& level);

}  // namespace herald
