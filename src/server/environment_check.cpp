// Unknown HERALD_* variables (see environment_check.hpp).
#include "server/environment_check.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "server/closest_name.hpp"
#include "server/config_loader.hpp"

extern char** environ;

namespace herald {
namespace {

constexpr std::string_view kPrefix = "HERALD_";

// Variables that are not settings but that herald and its tools read on purpose.
const std::vector<std::string>& own_variables() {
  static const std::vector<std::string> names = {
      "HERALD_API_KEY",  // the API key of `herald publish` (besides HERALD_PUBLISH_API_KEY)
      "HERALD_BIN",      // the binary under test, for scripts/test.sh and tests/integration
  };
  return names;
}

std::vector<std::string> known_variables() {
  std::vector<std::string> names = own_variables();
  for (const auto& key : setting_keys()) names.push_back(environment_variable(key));
  return names;
}

// The variables of the keys that `name` names without their section: HERALD_WORKERS ->
// {HERALD_SERVER_WORKERS}; HERALD_MAX_CHANNELS -> three of them.
std::vector<std::string> without_section(std::string_view name) {
  std::vector<std::string> matches;
  for (const auto& key : setting_keys())
    if (environment_variable(key.substr(key.find('.') + 1)) == name)
      matches.push_back(environment_variable(key));
  return matches;
}

// A key written without its section is suggested when only one section has it (and nothing when
// several do); otherwise the known name within a few typing mistakes.
std::optional<std::string> suggestion_for(std::string_view name, const std::vector<std::string>& known) {
  auto sectioned = without_section(name);
  if (sectioned.size() == 1) return sectioned.front();
  if (sectioned.size() > 1) return std::nullopt;
  return closest_name(name, known);
}

}  // namespace

std::vector<UnknownVariable> unknown_herald_variables(const char* const* environment) {
  const auto known = known_variables();
  std::vector<UnknownVariable> unknown;
  for (auto entry = environment; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::string_view name = text.substr(0, text.find('='));
    if (!name.starts_with(kPrefix) || std::find(known.begin(), known.end(), name) != known.end()) continue;
    unknown.push_back({std::string(name), suggestion_for(name, known)});
  }
  std::sort(unknown.begin(), unknown.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return unknown;
}

void warn_about_environment(const Config& config) {
  for (const auto& variable : unknown_herald_variables(environ)) {
    if (variable.suggestion)
      spdlog::warn("unknown environment variable {} is ignored (did you mean {}?)", variable.name,
                   *variable.suggestion);
    else
      spdlog::warn("unknown environment variable {} is ignored", variable.name);
  }
  const char* cli_key = std::getenv("HERALD_API_KEY");
  if (cli_key != nullptr && *cli_key != '\0' && config.api_key.empty())
    spdlog::warn(
        "HERALD_API_KEY is read by herald publish only; the server's key is HERALD_PUBLISH_API_KEY "
        "(publish.api_key), which is not set");
}

}  // namespace herald
