// Loading herald's settings: defaults, then a TOML file, then HERALD_<SECTION>_<KEY> environment
// variables, then command-line flags. docs/configuration.md lists every key.
#pragma once
#include <map>
#include <string>

#include "runtime/config.hpp"

namespace herald {

// "section.key" -> value text, as given by a flag or environment variable.
using ConfigOverrides = std::map<std::string, std::string>;

// Builds the configuration. Throws std::runtime_error naming the file, key and problem.
Config load_config(const std::string& toml_path, const ConfigOverrides& flag_overrides);

// Collects HERALD_<SECTION>_<KEY> variables from the environment.
ConfigOverrides environment_overrides();

}  // namespace herald
