// Reads the Prometheus text format that herald's GET /metrics answers with, for the demo backend's
// dashboard samples.
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace herald::cli {

// Every sample line as "name" or "name{labels}" (exactly as written) → value. Comment lines, blank lines
// and lines whose value is not a number are left out; a timestamp after the value is ignored.
std::map<std::string, double, std::less<>> parse_prometheus_text(std::string_view text);

}  // namespace herald::cli
