// HERALD_* environment variables that herald does not read, reported at start so that a misspelt
// setting (HERALD_SERVER_LISTN) does not go unnoticed.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "runtime/config.hpp"

namespace herald {

struct UnknownVariable {
  std::string name;
  std::optional<std::string> suggestion;  // the known variable it is probably meant to be
};

// The HERALD_* names in `environment` ("NAME=value" entries, null-terminated like `environ`) that are
// neither a setting's variable nor one herald uses on purpose, sorted by name.
std::vector<UnknownVariable> unknown_herald_variables(const char* const* environment);

// Logs one warning per unknown HERALD_* variable of this process, and one when HERALD_API_KEY (read by
// `herald publish`) is set while the server itself has no API key.
void warn_about_environment(const Config& config);

}  // namespace herald
