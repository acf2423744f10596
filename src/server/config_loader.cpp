// Configuration loading (see config_loader.hpp).
#include "server/config_loader.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <variant>
#include <vector>

#include "engine/engine.hpp"
#include "engine/engine_factory.hpp"

namespace herald {
namespace {

using Strings = std::vector<std::string>;
using Field = std::variant<std::string Config::*, std::size_t Config::*, unsigned Config::*,
                           Seconds Config::*, Milliseconds Config::*, bool Config::*, Strings Config::*>;

template <typename Value>
constexpr bool is_duration = std::is_same_v<Value, Seconds> || std::is_same_v<Value, Milliseconds>;

const std::vector<std::pair<std::string, Field>>& fields() {
  static const std::vector<std::pair<std::string, Field>> table = {
      {"server.listen", &Config::listen},
      {"server.workers", &Config::workers},
      {"server.max_connections", &Config::max_connections},
      {"server.shutdown_timeout", &Config::shutdown_timeout},
      {"server.cork_ms", &Config::cork_ms},
      {"http.header_limit", &Config::header_limit},
      {"http.header_timeout", &Config::header_timeout},
      {"http.idle_timeout", &Config::idle_timeout},
      {"http.max_body_bytes", &Config::max_body_bytes},
      {"http.web_root", &Config::web_root},
      {"http.web_root_follow_symlinks", &Config::web_root_follow_symlinks},
      {"publish.api_key", &Config::api_key},
      {"publish.max_message_bytes", &Config::max_message_bytes},
      {"publish.idempotency_window", &Config::idempotency_window},
      {"publish.max_batch", &Config::max_batch},
      {"publish.allowed_origins", &Config::publish_allowed_origins},
      {"engine.type", &Config::engine_type},
      {"history.size", &Config::history_size},
      {"history.ttl", &Config::history_ttl},
      {"history.max_channels", &Config::max_channels},
      {"history.channel_idle_timeout", &Config::channel_idle_timeout},
      {"sse.retry_ms", &Config::sse_retry_ms},
      {"sse.heartbeat", &Config::sse_heartbeat},
      {"sse.max_lifetime", &Config::sse_max_lifetime},
      {"sse.max_channels", &Config::sse_max_channels},
      {"longpoll.default_timeout", &Config::longpoll_default_timeout},
      {"longpoll.max_timeout", &Config::longpoll_max_timeout},
      {"longpoll.max_messages", &Config::longpoll_max_messages},
      {"ws.ping_interval", &Config::ws_ping_interval},
      {"ws.idle_timeout", &Config::ws_idle_timeout},
      {"ws.max_message_bytes", &Config::ws_max_message_bytes},
      {"ws.max_channels", &Config::ws_max_channels},
      {"ws.publish_prefixes", &Config::ws_publish_prefixes},
      {"ws.allowed_origins", &Config::ws_allowed_origins},
      {"ws.deflate", &Config::ws_deflate},
      {"ws.echo", &Config::ws_echo},
      {"limits.queue_bytes", &Config::queue_bytes},
      {"log.format", &Config::log_format},
      {"log.level", &Config::log_level},
  };
  return table;
}

const Field* find_field(const std::string& key) {
  for (const auto& [name, field] : fields())
    if (name == key) return &field;
  return nullptr;
}

[[noreturn]] void fail(const std::string& where, const std::string& key, const std::string& problem) {
  throw std::runtime_error(where + ": " + key + ": " + problem);
}

template <typename Number>
Number parse_number(const std::string& text, const std::string& where, const std::string& key) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  bool finite = true;
  if constexpr (std::is_floating_point_v<Number>) finite = std::isfinite(value) && value >= 0;
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || !finite)
    fail(where, key, "expected a non-negative number, got \"" + text + "\"");
  return value;
}

bool parse_bool(const std::string& text, const std::string& where, const std::string& key) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  fail(where, key, "expected true or false, got \"" + text + "\"");
}

// "a,b,c" -> {"a","b","c"}; an empty text is an empty list.
Strings split_list(const std::string& text) {
  Strings items;
  if (text.empty()) return items;
  std::size_t start = 0;
  while (true) {
    auto comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    items.push_back(std::move(item));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

void set_from_text(Config& config, const std::string& key, const std::string& text,
                   const std::string& where) {
  const Field* field = find_field(key);
  if (field == nullptr) fail(where, key, "unknown setting");
  std::visit(
      [&](auto member) {
        using Value = std::remove_reference_t<decltype(config.*member)>;
        if constexpr (std::is_same_v<Value, std::string>)
          config.*member = text;
        else if constexpr (std::is_same_v<Value, bool>)
          config.*member = parse_bool(text, where, key);
        else if constexpr (std::is_same_v<Value, Strings>)
          config.*member = split_list(text);
        else if constexpr (is_duration<Value>)
          config.*member = Value(parse_number<double>(text, where, key));
        else
          config.*member = parse_number<Value>(text, where, key);
      },
      *field);
}

void set_from_toml(Config& config, const std::string& key, const toml::node& node, const std::string& where) {
  const Field* field = find_field(key);
  if (field == nullptr) fail(where, key, "unknown setting");
  std::visit(
      [&](auto member) {
        using Value = std::remove_reference_t<decltype(config.*member)>;
        if constexpr (std::is_same_v<Value, std::string>) {
          auto text = node.value<std::string>();
          if (!text) fail(where, key, "expected a string");
          config.*member = *text;
        } else if constexpr (std::is_same_v<Value, bool>) {
          auto flag = node.value<bool>();
          if (!flag) fail(where, key, "expected true or false");
          config.*member = *flag;
        } else if constexpr (std::is_same_v<Value, Strings>) {
          const toml::array* array = node.as_array();
          if (array == nullptr) fail(where, key, "expected an array of strings");
          Strings items;
          for (const auto& item : *array) {
            auto text = item.value<std::string>();
            if (!text) fail(where, key, "expected an array of strings");
            items.push_back(*text);
          }
          config.*member = std::move(items);
        } else if constexpr (is_duration<Value>) {
          auto number = node.value<double>();
          if (!number || !std::isfinite(*number) || *number < 0)
            fail(where, key, "expected a non-negative number");
          config.*member = Value(*number);
        } else {
          auto number = node.value<std::int64_t>();
          if (!number || *number < 0 || !node.is_integer())
            fail(where, key, "expected a non-negative integer");
          config.*member = static_cast<Value>(*number);
        }
      },
      *field);
}

void apply_file(Config& config, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    throw std::runtime_error(path + ": " + std::string(error.description()));
  }
  for (const auto& [section, value] : root) {
    const toml::table* table = value.as_table();
    if (table == nullptr) fail(path, std::string(section.str()), "expected a [section]");
    for (const auto& [key, node] : *table)
      set_from_toml(config, std::string(section.str()) + "." + std::string(key.str()), node, path);
  }
}

void validate(const Config& config) {
  if (config.workers > kMaxWorkers)
    fail("configuration", "server.workers", "at most " + std::to_string(kMaxWorkers));
  if (config.log_format != "text" && config.log_format != "json")
    fail("configuration", "log.format", "expected \"text\" or \"json\"");
  if (!is_engine_type(config.engine_type))
    fail("configuration", "engine.type", "unknown engine \"" + config.engine_type + "\" (known: memory)");
  if (config.history_size == 0) fail("configuration", "history.size", "must be at least 1");
  if (config.sse_max_channels == 0) fail("configuration", "sse.max_channels", "must be at least 1");
  if (config.longpoll_max_messages == 0) fail("configuration", "longpoll.max_messages", "must be at least 1");
}

}  // namespace

ConfigOverrides environment_overrides() {
  ConfigOverrides overrides;
  for (const auto& [key, field] : fields()) {
    std::string variable = "HERALD_";
    for (char c : key)
      variable += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (const char* value = std::getenv(variable.c_str())) overrides[key] = value;
  }
  return overrides;
}

Config load_config(const std::string& toml_path, const ConfigOverrides& flag_overrides) {
  Config config;
  if (!toml_path.empty()) apply_file(config, toml_path);
  for (const auto& [key, value] : environment_overrides()) set_from_text(config, key, value, "environment");
  for (const auto& [key, value] : flag_overrides) set_from_text(config, key, value, "command line");
  validate(config);
  return config;
}

}  // namespace herald
