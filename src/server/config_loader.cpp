// Configuration loading (see config_loader.hpp).
#include "server/config_loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <tuple>
#include <variant>
#include <vector>

#include "engine/engine.hpp"
#include "engine/engine_factory.hpp"
#include "engine/redis/redis_endpoint.hpp"
#include "protocol/jwt/jwt_key.hpp"
#include "protocol/net/address_range.hpp"
#include "runtime/tls_context.hpp"
#include "server/closest_name.hpp"
#include "server/listen_address.hpp"
#include "server/logging.hpp"
#include "server/setting_value.hpp"
#include "turn/turn_settings.hpp"

namespace herald {
namespace {

using Strings = std::vector<std::string>;
using Field =
    std::variant<std::string Config::*, std::size_t Config::*, unsigned Config::*, Seconds Config::*,
                 Milliseconds Config::*, bool Config::*, Strings Config::*, Rate Config::*>;

const std::vector<std::pair<std::string, Field>>& fields() {
  static const std::vector<std::pair<std::string, Field>> table = {
      {"server.listen", &Config::listen},
      {"server.workers", &Config::workers},
      {"server.max_connections", &Config::max_connections},
      {"server.shutdown_timeout", &Config::shutdown_timeout},
      {"server.cork_ms", &Config::cork_ms},
      {"tls.cert", &Config::tls_cert},
      {"tls.key", &Config::tls_key},
      {"tls.listen", &Config::tls_listen},
      {"tls.min_version", &Config::tls_min_version},
      {"http.header_limit", &Config::header_limit},
      {"http.header_timeout", &Config::header_timeout},
      {"http.idle_timeout", &Config::idle_timeout},
      {"http.max_body_bytes", &Config::max_body_bytes},
      {"http.web_root", &Config::web_root},
      {"http.web_root_follow_symlinks", &Config::web_root_follow_symlinks},
      {"http.cors_origins", &Config::cors_origins},
      {"http.trusted_proxies", &Config::trusted_proxies},
      {"publish.api_key", &Config::api_key},
      {"publish.max_message_bytes", &Config::max_message_bytes},
      {"publish.idempotency_window", &Config::idempotency_window},
      {"publish.max_batch", &Config::max_batch},
      {"publish.allowed_origins", &Config::publish_allowed_origins},
      {"auth.hmac_secret", &Config::auth_hmac_secret},
      {"auth.public_key", &Config::auth_public_keys},
      {"auth.issuer", &Config::auth_issuer},
      {"auth.audience", &Config::auth_audience},
      {"auth.leeway", &Config::auth_leeway},
      {"auth.cookie", &Config::auth_cookie},
      {"metrics.require_key", &Config::metrics_require_key},
      {"engine.type", &Config::engine_type},
      {"engine.url", &Config::engine_url},
      {"engine.prefix", &Config::engine_prefix},
      {"engine.cluster", &Config::engine_cluster},
      {"engine.connect_timeout", &Config::engine_connect_timeout},
      {"engine.command_timeout", &Config::engine_command_timeout},
      {"engine.position_check_interval", &Config::engine_position_check_interval},
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
      {"longpoll.max_channels", &Config::longpoll_max_channels},
      {"ws.ping_interval", &Config::ws_ping_interval},
      {"ws.idle_timeout", &Config::ws_idle_timeout},
      {"ws.max_message_bytes", &Config::ws_max_message_bytes},
      {"ws.max_channels", &Config::ws_max_channels},
      {"ws.publish_prefixes", &Config::ws_publish_prefixes},
      {"ws.allowed_origins", &Config::ws_allowed_origins},
      {"ws.deflate", &Config::ws_deflate},
      {"ws.echo", &Config::ws_echo},
      {"presence.max_info_bytes", &Config::presence_max_info_bytes},
      {"signaling.max_peers", &Config::signaling_max_peers},
      {"signaling.max_signal_bytes", &Config::signaling_max_signal_bytes},
      {"signaling.signal_rate", &Config::signaling_signal_rate},
      {"signaling.signal_burst", &Config::signaling_signal_burst},
      {"limits.queue_bytes", &Config::queue_bytes},
      {"limits.connections_per_ip", &Config::connections_per_ip},
      {"limits.connection_rate_per_ip", &Config::connection_rate_per_ip},
      {"limits.connection_burst_per_ip", &Config::connection_burst_per_ip},
      {"limits.publish_rate_per_ip", &Config::publish_rate_per_ip},
      {"limits.publish_burst_per_ip", &Config::publish_burst_per_ip},
      {"limits.command_rate_per_ip", &Config::command_rate_per_ip},
      {"limits.command_burst_per_ip", &Config::command_burst_per_ip},
      {"limits.ipv6_prefix", &Config::ipv6_prefix},
      {"turn.listen", &Config::turn_listen},
      {"turn.secret", &Config::turn_secret},
      {"turn.realm", &Config::turn_realm},
      {"turn.relay_ports", &Config::turn_relay_ports},
      {"turn.relay_address", &Config::turn_relay_address},
      {"turn.public_host", &Config::turn_public_host},
      {"turn.allow_peers", &Config::turn_allow_peers},
      {"turn.allocation_lifetime", &Config::turn_allocation_lifetime},
      {"turn.max_allocation_lifetime", &Config::turn_max_allocation_lifetime},
      {"turn.nonce_lifetime", &Config::turn_nonce_lifetime},
      {"turn.max_allocations", &Config::turn_max_allocations},
      {"turn.max_allocations_per_user", &Config::turn_max_allocations_per_user},
      {"turn.bandwidth_per_allocation", &Config::turn_bandwidth_per_allocation},
      {"turn.credential_ttl", &Config::turn_credential_ttl},
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

// Where each key's value came from, for the messages of the checks that look at the final values.
using Origins = std::map<std::string, std::string>;

[[noreturn]] void fail(const std::string& source, const std::string& key, const std::string& problem) {
  throw ConfigError(source, key, problem);
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

void set_from_text(Config& config, const std::string& key, const std::string& text,
                   const std::string& source) {
  const Field* field = find_field(key);
  if (field == nullptr) fail(source, key, "unknown setting");
  std::visit([&](auto member) { read_text(text, config.*member, {source, key}); }, *field);
}

void set_from_toml(Config& config, const std::string& key, const toml::node& node,
                   const std::string& source) {
  std::visit([&](auto member) { read_toml(node, config.*member, {source, key}); }, *find_field(key));
}

std::string position(const std::string& path, const toml::source_region& region) {
  return path + ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
}

std::vector<std::string> section_names() {
  std::vector<std::string> sections;
  for (const auto& key : setting_keys()) {
    std::string section = key.substr(0, key.find('.'));
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) sections.push_back(section);
  }
  return sections;
}

// "(did you mean server.listen?)" for a misspelt `wanted`, or "".
std::string hint(std::string_view wanted, const std::vector<std::string>& known, std::string_view before = "",
                 std::string_view after = "") {
  auto close = closest_name(wanted, known);
  return close ? " (did you mean " + std::string(before) + *close + std::string(after) + "?)" : "";
}

// "(did you mean server.workers?)" for a key written outside its section, when only one section has it.
std::string section_hint(const std::string& name) {
  std::vector<std::string> matches;
  for (const auto& key : setting_keys())
    if (key.substr(key.find('.') + 1) == name) matches.push_back(key);
  return matches.size() == 1 ? " (did you mean " + matches.front() + "?)" : "";
}

// The --config file could not be read.
[[noreturn]] void unreadable(const std::string& path, const std::string& reason) {
  fail("command line", "--config", "cannot read " + path + ": " + reason);
}

std::string read_file(const std::string& path) {
  std::error_code error;
  auto status = std::filesystem::status(path, error);
  if (error) unreadable(path, error.message());
  if (std::filesystem::is_directory(status))
    unreadable(path, std::make_error_code(std::errc::is_a_directory).message());
  std::ifstream file(path, std::ios::binary);
  if (!file) unreadable(path, std::generic_category().message(errno));
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) unreadable(path, std::generic_category().message(errno));
  return content.str();
}

toml::table parse_toml(std::string_view text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    throw ConfigError(position(path, error.source()), "", std::string(error.description()));
  }
}

struct Entry {
  const toml::key* name;
  const toml::node* node;
};

// A table's entries in the order of the file (toml++ keeps them sorted by name), so that the problem
// reported is the first one in the file.
std::vector<Entry> in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (const auto& [name, node] : table) entries.push_back({&name, &node});
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const auto& first = a.name->source().begin;
    const auto& second = b.name->source().begin;
    return std::tie(first.line, first.column) < std::tie(second.line, second.column);
  });
  return entries;
}

void apply_section(Config& config, Origins& origins, const std::string& path, const std::string& section,
                   const toml::table& table) {
  for (const auto& [name, node] : in_file_order(table)) {
    std::string key = section + "." + std::string(name->str());
    if (find_field(key) == nullptr)
      fail(position(path, name->source()), key, "unknown setting" + hint(key, setting_keys()));
    std::string source = position(path, node->source());
    set_from_toml(config, key, *node, source);
    origins[key] = source;
  }
}

// One [[namespace]] key other than prefix; false when `name` is not one.
bool read_namespace_key(std::string_view name, const toml::node& node, Namespace& space,
                        const ValueOrigin& origin) {
  if (name == "anonymous_subscribe") {
    read_toml(node, space.anonymous_subscribe, origin);
  } else if (name == "client_publish") {
    read_toml(node, space.client_publish, origin);
  } else if (name == "history_size") {
    read_toml(node, space.history_size.emplace(), origin);
    if (*space.history_size == 0) fail(origin.source, origin.key, "must be at least 1");  // as history.size
  } else if (name == "history_ttl") {
    read_toml(node, space.history_ttl.emplace(), origin);
  } else if (name == "max_subscribers") {
    read_toml(node, space.max_subscribers, origin);
  } else if (name == "presence") {
    read_toml(node, space.presence, origin);
  } else {
    return false;
  }
  return true;
}

const std::vector<std::string>& namespace_keys() {
  static const std::vector<std::string> keys = {"namespace.prefix",         "namespace.anonymous_subscribe",
                                                "namespace.client_publish", "namespace.history_size",
                                                "namespace.history_ttl",    "namespace.max_subscribers",
                                                "namespace.presence"};
  return keys;
}

// One [[namespace]] table: prefix (required), anonymous_subscribe, client_publish, history_size,
// history_ttl, max_subscribers, presence.
Namespace read_namespace(const std::string& path, const toml::table& table, const std::string& where) {
  Namespace space;
  bool has_prefix = false;
  for (const auto& [name, node] : in_file_order(table)) {
    std::string key = "namespace." + std::string(name->str());
    ValueOrigin origin{position(path, node->source()), key};
    if (name->str() == "prefix") {
      read_toml(*node, space.prefix, origin);
      has_prefix = true;
    } else if (!read_namespace_key(name->str(), *node, space, origin)) {
      fail(position(path, name->source()), key, "unknown setting" + hint(key, namespace_keys()));
    }
  }
  if (!has_prefix) fail(where, "namespace.prefix", "every [[namespace]] needs a prefix");
  return space;
}

// The tables of an array of tables such as [[namespace]], or a configuration error.
const toml::array& tables_of(const toml::node& node, const std::string& name, const std::string& where) {
  const toml::array* tables = node.as_array();
  if (tables == nullptr || !tables->is_array_of_tables())
    fail(where, name, "write them as [[" + name + "]] tables");
  return *tables;
}

void apply_namespaces(Config& config, const std::string& path, const toml::node& node,
                      const std::string& where) {
  for (const toml::node& table : tables_of(node, "namespace", where))
    config.namespaces.push_back(read_namespace(path, *table.as_table(), position(path, table.source())));
}

void read_scopes(const toml::node& node, ApiKey& key, const ValueOrigin& origin) {
  std::vector<std::string> scopes;
  read_toml(node, scopes, origin);
  key.publish = key.metrics = false;
  for (const auto& scope : scopes) {
    if (scope == "publish")
      key.publish = true;
    else if (scope == "metrics")
      key.metrics = true;
    else
      fail(origin.source, origin.key, "unknown scope \"" + scope + "\" (known: publish, metrics)");
  }
}

// One [[api_key]] table: name and key (required), scopes (default ["publish"]).
ApiKey read_api_key(const std::string& path, const toml::table& table, const std::string& where) {
  ApiKey key;
  for (const auto& [name, node] : in_file_order(table)) {
    std::string setting = "api_key." + std::string(name->str());
    ValueOrigin origin{position(path, node->source()), setting};
    if (name->str() == "name")
      read_toml(*node, key.name, origin);
    else if (name->str() == "key")
      read_toml(*node, key.key, origin);
    else if (name->str() == "scopes")
      read_scopes(*node, key, origin);
    else
      fail(origin.source, setting,
           "unknown setting" + hint(setting, {"api_key.name", "api_key.key", "api_key.scopes"}));
  }
  if (key.name.empty()) fail(where, "api_key.name", "every [[api_key]] needs a name");
  if (key.key.empty()) fail(where, "api_key.key", "every [[api_key]] needs a key");
  return key;
}

void apply_api_keys(Config& config, const std::string& path, const toml::node& node,
                    const std::string& where) {
  for (const toml::node& table : tables_of(node, "api_key", where)) {
    std::string at = position(path, table.source());
    ApiKey key = read_api_key(path, *table.as_table(), at);
    for (const auto& other : config.api_keys)
      if (other.name == key.name) fail(at, "api_key.name", "two keys are named \"" + key.name + "\"");
    config.api_keys.push_back(std::move(key));
  }
}

bool is_ice_url(std::string_view url) {
  for (std::string_view scheme : {"stun:", "stuns:", "turn:", "turns:"})
    if (url.starts_with(scheme) && url.size() > scheme.size()) return true;
  return false;
}

// One [[ice_server]] table: urls (required), username and credential, or secret.
IceServer read_ice_server(const std::string& path, const toml::table& table, const std::string& where) {
  IceServer server;
  for (const auto& [name, node] : in_file_order(table)) {
    std::string setting = "ice_server." + std::string(name->str());
    ValueOrigin origin{position(path, node->source()), setting};
    if (name->str() == "urls")
      read_toml(*node, server.urls, origin);
    else if (name->str() == "username")
      read_toml(*node, server.username, origin);
    else if (name->str() == "credential")
      read_toml(*node, server.credential, origin);
    else if (name->str() == "secret")
      read_toml(*node, server.secret, origin);
    else
      fail(origin.source, setting,
           "unknown setting" + hint(setting, {"ice_server.urls", "ice_server.username",
                                              "ice_server.credential", "ice_server.secret"}));
  }
  if (server.urls.empty()) fail(where, "ice_server.urls", "every [[ice_server]] needs urls");
  for (const auto& url : server.urls)
    if (!is_ice_url(url))
      fail(where, "ice_server.urls", quoted(url) + " is not a stun:, stuns:, turn: or turns: URL");
  if (!server.secret.empty() && (!server.username.empty() || !server.credential.empty()))
    fail(where, "ice_server.secret", "give either secret (REST credentials) or username and credential");
  if (server.username.empty() != server.credential.empty())
    fail(where, "ice_server.credential", "username and credential go together");
  return server;
}

void apply_ice_servers(Config& config, const std::string& path, const toml::node& node,
                       const std::string& where) {
  for (const toml::node& table : tables_of(node, "ice_server", where))
    config.ice_servers.push_back(read_ice_server(path, *table.as_table(), position(path, table.source())));
}

// The settings of TOML `text`, read from the file `path`.
void apply_toml(Config& config, Origins& origins, std::string_view text, const std::string& path) {
  toml::table root = parse_toml(text, path);
  const auto sections = section_names();
  for (const auto& [name, node] : in_file_order(root)) {
    std::string section(name->str());
    std::string where = position(path, name->source());
    if (section == "namespace") {
      apply_namespaces(config, path, *node, where);
      continue;
    }
    if (section == "api_key") {
      apply_api_keys(config, path, *node, where);
      continue;
    }
    if (section == "ice_server") {
      apply_ice_servers(config, path, *node, where);
      continue;
    }
    const toml::table* table = node->as_table();
    if (table == nullptr) fail(where, section, "a setting outside any [section]" + section_hint(section));
    if (std::find(sections.begin(), sections.end(), section) == sections.end())
      fail(where, section, "unknown section" + hint(section, sections, "[", "]"));
    apply_section(config, origins, path, section, *table);
  }
}

void apply_environment(Config& config, Origins& origins) {
  for (const auto& key : setting_keys()) {
    std::string variable = environment_variable(key);
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr) continue;
    std::string source = "environment " + variable;
    set_from_text(config, key, value, source);
    origins[key] = source;
  }
}

void apply_flags(Config& config, Origins& origins, const ConfigOverrides& flags) {
  for (const auto& [key, value] : flags) {
    set_from_text(config, key, value, "command line");
    origins[key] = "command line";
  }
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// The Redis engine's settings, checked only when it is chosen.
template <typename Check>
void validate_redis(const Config& config, const Check& check) {
  std::string problem;
  check(config.engine_cluster.size() > 0 || redis::parse_redis_url(config.engine_url, problem).has_value(),
        "engine.url", quoted(config.engine_url) + ": " + problem);
  for (const auto& node : config.engine_cluster)
    check(redis::parse_host_port(node, {}).has_value(), "engine.cluster", quoted(node) + " is not HOST:PORT");
  bool plain =
      !config.engine_prefix.empty() && config.engine_prefix.find_first_of("{} \t\r\n") == std::string::npos;
  check(plain, "engine.prefix", "must be a non-empty name without braces or spaces");
  for (auto [key, value] :
       {std::pair{"engine.connect_timeout", config.engine_connect_timeout},
        std::pair{"engine.command_timeout", config.engine_command_timeout},
        std::pair{"engine.position_check_interval", config.engine_position_check_interval}})
    check(value >= std::chrono::milliseconds(1), key, "must be at least 0.001 (seconds)");
}

// Every auth.public_key file must hold a key herald can check tokens with.
template <typename Check>
void validate_auth(const Config& config, const Check& check) {
  for (const auto& path : config.auth_public_keys) {
    std::string problem;
    try {
      JwtKey::from_pem_file(path);
    } catch (const std::exception& error) {
      problem = error.what();
    }
    check(problem.empty(), "auth.public_key", path + ": " + problem);
  }
}

// A certificate and a key (both or neither) that load and belong together, a known lowest version, and a
// TLS address apart from the plain one.
template <typename Check>
void validate_tls(const Config& config, const Check& check) {
  check(config.tls_min_version == "1.2" || config.tls_min_version == "1.3", "tls.min_version",
        "expected \"1.2\" or \"1.3\", got " + quoted(config.tls_min_version));
  check(!config.tls_key.empty() || config.tls_cert.empty(), "tls.cert", "needs tls.key too");
  check(!config.tls_cert.empty() || config.tls_key.empty(), "tls.key", "needs tls.cert too");
  if (!config.tls_listen.empty()) {
    check(tls_enabled(config), "tls.listen", "needs tls.cert and tls.key");
    check(parse_listen_address(config.tls_listen).has_value(), "tls.listen",
          quoted(config.tls_listen) + " is not HOST:PORT");
    check(config.tls_listen != config.listen, "tls.listen",
          "must differ from server.listen (leave it empty to speak TLS on server.listen)");
  }
  if (!tls_enabled(config)) return;
  try {
    make_tls_context(config);
  } catch (const TlsSetupError& error) {
    check(false, error.key(), error.what());
  }
}

// The [turn] settings, checked only when the STUN/TURN server is on (turn.listen).
template <typename Check>
void validate_turn(const Config& config, const Check& check) {
  auto listen = turn::parse_host_port(config.turn_listen);
  check(listen.has_value(), "turn.listen",
        quoted(config.turn_listen) + " is not HOST:PORT (an IP address and a port from 1 to 65535)");
  check(!config.turn_secret.empty(), "turn.secret",
        "the TURN server needs a secret to check credentials with (turn.secret or --turn-secret)");
  check(!config.turn_realm.empty() && config.turn_realm.size() < 128, "turn.realm",
        "must be 1 to 127 characters");
  check(turn::parse_port_range(config.turn_relay_ports).has_value(), "turn.relay_ports",
        quoted(config.turn_relay_ports) + " is not FIRST-LAST (ports from 1 to 65535, FIRST <= LAST)");
  boost::system::error_code error;
  if (!config.turn_relay_address.empty()) {
    auto relay = boost::asio::ip::make_address(config.turn_relay_address, error);
    check(!error && !relay.is_unspecified(), "turn.relay_address",
          quoted(config.turn_relay_address) + " is not a specific IP address");
  } else {
    check(
        !listen->address.is_unspecified(), "turn.relay_address",
        "needed when turn.listen is a wildcard address: the address relays are bound on and that clients are "
        "told");
  }
  check(!config.turn_public_host.empty() || !listen->address.is_unspecified(), "turn.public_host",
        "needed when turn.listen is a wildcard address: the host the advertised STUN/TURN URLs name");
  for (const auto& peer : config.turn_allow_peers)
    check(AddressRange::parse(peer).has_value(), "turn.allow_peers",
          quoted(peer) + " is not an IP address or CIDR range (such as 127.0.0.0/8)");
  check(config.turn_allocation_lifetime >= std::chrono::seconds(30), "turn.allocation_lifetime",
        "must be at least 30 (seconds)");
  check(config.turn_max_allocation_lifetime >= config.turn_allocation_lifetime,
        "turn.max_allocation_lifetime", "must be at least turn.allocation_lifetime");
  check(config.turn_nonce_lifetime >= std::chrono::seconds(1), "turn.nonce_lifetime",
        "must be at least 1 (second)");
  check(config.turn_max_allocations > 0, "turn.max_allocations", "must be at least 1");
  check(config.turn_max_allocations_per_user > 0, "turn.max_allocations_per_user", "must be at least 1");
}

// Checks of the final values, reported against the source that gave them.
void validate(const Config& config, const Origins& origins) {
  auto check = [&origins](bool ok, const std::string& key, const std::string& problem) {
    if (ok) return;
    auto origin = origins.find(key);
    fail(origin == origins.end() ? "default" : origin->second, key, problem);
  };
  check(parse_listen_address(config.listen).has_value(), "server.listen",
        quoted(config.listen) + " is not HOST:PORT");
  check(config.workers <= kMaxWorkers, "server.workers",
        std::to_string(config.workers) + " is too large (at most " + std::to_string(kMaxWorkers) + ")");
  check(config.log_format == "text" || config.log_format == "json", "log.format",
        "expected \"text\" or \"json\", got " + quoted(config.log_format));
  check(is_log_level(config.log_level), "log.level",
        "unknown level " + quoted(config.log_level) + " (" + joined(log_levels()) + ")");
  check(is_engine_type(config.engine_type), "engine.type",
        "unknown engine " + quoted(config.engine_type) + " (known: memory, redis)");
  if (config.engine_type == "redis") validate_redis(config, check);
  validate_auth(config, check);
  validate_tls(config, check);
  for (const auto& proxy : config.trusted_proxies)
    check(AddressRange::parse(proxy).has_value(), "http.trusted_proxies",
          quoted(proxy) + " is not an IP address or CIDR range (such as 10.0.0.0/8 or fd00::/8)");
  check(config.ipv6_prefix >= 1 && config.ipv6_prefix <= 128, "limits.ipv6_prefix",
        "must be from 1 to 128 (bits of an IPv6 address that name one client)");
  check(config.history_size > 0, "history.size", "must be at least 1");
  if (!config.turn_listen.empty()) validate_turn(config, check);
  check(config.turn_credential_ttl >= std::chrono::seconds(1), "turn.credential_ttl",
        "must be at least 1 (second)");
  check(config.sse_max_channels > 0, "sse.max_channels", "must be at least 1");
  check(config.longpoll_max_messages > 0, "longpoll.max_messages", "must be at least 1");
  check(config.longpoll_max_channels > 0, "longpoll.max_channels", "must be at least 1");
}

}  // namespace

std::vector<std::string> setting_keys() {
  std::vector<std::string> keys;
  for (const auto& [key, field] : fields()) keys.push_back(key);
  return keys;
}

std::string environment_variable(std::string_view key) {
  std::string variable = "HERALD_";
  for (char c : key)
    variable += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return variable;
}

Config load_config(const std::string& toml_path, const ConfigOverrides& flag_overrides) {
  Config config;
  Origins origins;
  if (!toml_path.empty()) apply_toml(config, origins, read_file(toml_path), toml_path);
  apply_environment(config, origins);
  apply_flags(config, origins, flag_overrides);
  validate(config, origins);
  return config;
}

Config load_config_text(std::string_view toml_text, const std::string& source_name) {
  Config config;
  Origins origins;
  apply_toml(config, origins, toml_text, source_name);
  validate(config, origins);
  return config;
}

}  // namespace herald
