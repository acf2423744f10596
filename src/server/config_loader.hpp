// Loading herald's settings: defaults, then a TOML file, then HERALD_<SECTION>_<KEY> environment
// variables, then command-line flags. docs/configuration.md lists every key.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/config.hpp"
#include "server/config_error.hpp"

namespace herald {

// "section.key" -> value text, as given by a flag.
using ConfigOverrides = std::map<std::string, std::string>;

// Builds the configuration from the file (none when `toml_path` is empty), the environment and the
// flags, and checks the result. Throws ConfigError for the first problem found.
Config load_config(const std::string& toml_path, const ConfigOverrides& flag_overrides);

// The configuration from TOML text alone (defaults, then the text; no environment, no flags), checked as
// load_config checks it. `source_name` stands for the file in messages. Throws ConfigError.
Config load_config_text(std::string_view toml_text, const std::string& source_name);

// Every "section.key", in the order of docs/configuration.md.
std::vector<std::string> setting_keys();

// The environment variable of a key: "server.listen" -> "HERALD_SERVER_LISTEN".
std::string environment_variable(std::string_view key);

}  // namespace herald
