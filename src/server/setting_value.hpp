// One setting's value, read from the text of an environment variable or flag, or from a TOML value, in
// the forms of docs/configuration.md ("Value types"). A value that does not fit throws ConfigError.
#pragma once
#include <toml++/toml.h>

#include <string>
#include <vector>

#include "runtime/config.hpp"

namespace herald {

// Where a value comes from, for the messages: {"environment HERALD_HISTORY_SIZE", "history.size"}.
struct ValueOrigin {
  std::string source;
  std::string key;
};

// From text: integers in decimal digits, durations and rates as decimal numbers, booleans as true/1/yes/on or
// false/0/no/off, arrays as comma-separated items.
void read_text(const std::string& text, std::string& value, const ValueOrigin& origin);
void read_text(const std::string& text, bool& value, const ValueOrigin& origin);
void read_text(const std::string& text, unsigned& value, const ValueOrigin& origin);
void read_text(const std::string& text, std::size_t& value, const ValueOrigin& origin);
void read_text(const std::string& text, Seconds& value, const ValueOrigin& origin);
void read_text(const std::string& text, Milliseconds& value, const ValueOrigin& origin);
void read_text(const std::string& text, std::vector<std::string>& value, const ValueOrigin& origin);
void read_text(const std::string& text, Rate& value, const ValueOrigin& origin);

// From a TOML value of the matching type; a duration may be an integer or a float.
void read_toml(const toml::node& node, std::string& value, const ValueOrigin& origin);
void read_toml(const toml::node& node, bool& value, const ValueOrigin& origin);
void read_toml(const toml::node& node, unsigned& value, const ValueOrigin& origin);
void read_toml(const toml::node& node, std::size_t& value, const ValueOrigin& origin);
void read_toml(const toml::node& node, Seconds& value, const ValueOrigin& origin);
void read_toml(const toml::node& node, Milliseconds& value, const ValueOrigin& origin);
void read_toml(const toml::node& node, std::vector<std::string>& value, const ValueOrigin& origin);
void read_toml(const toml::node& node, Rate& value, const ValueOrigin& origin);

}  // namespace herald
