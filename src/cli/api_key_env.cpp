// The publishing tools' API key (see api_key_env.hpp).
#include "cli/api_key_env.hpp"

#include <cstdlib>

namespace herald::cli {

std::string publisher_api_key(const std::string& given) {
  if (!given.empty()) return given;
  for (const char* variable : {"HERALD_PUBLISH_API_KEY", "HERALD_API_KEY"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') return value;
  }
  return "";
}

}  // namespace herald::cli
