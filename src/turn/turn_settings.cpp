// TURN settings (see turn_settings.hpp).
#include "turn/turn_settings.hpp"

#include <charconv>
#include <stdexcept>

namespace herald::turn {
namespace {

std::optional<unsigned> parse_number(std::string_view text) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

double seconds(Seconds value) { return value.count(); }

}  // namespace

std::optional<PortRange> parse_port_range(std::string_view text) {
  auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = parse_number(text.substr(0, dash));
  auto last = parse_number(text.substr(dash + 1));
  if (!first || !last || *first < 1 || *first > *last || *last > 65535) return std::nullopt;
  return PortRange{static_cast<std::uint16_t>(*first), static_cast<std::uint16_t>(*last)};
}

std::optional<HostPort> parse_host_port(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  auto port = parse_number(text.substr(colon + 1));
  if (!port || *port < 1 || *port > 65535) return std::nullopt;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code error;
  auto address = boost::asio::ip::make_address(std::string(host), error);
  if (error) return std::nullopt;
  return HostPort{address, static_cast<std::uint16_t>(*port)};
}

TurnSettings turn_settings(const Config& config) {
  TurnSettings settings;
  settings.secret = config.turn_secret;
  settings.realm = config.turn_realm;
  auto listen = parse_host_port(config.turn_listen);
  if (!listen) throw std::invalid_argument("turn.listen: \"" + config.turn_listen + "\" is not HOST:PORT");
  settings.listen = *listen;
  settings.relay_address = listen->address;
  if (!config.turn_relay_address.empty()) {
    boost::system::error_code error;
    settings.relay_address = boost::asio::ip::make_address(config.turn_relay_address, error);
    if (error) throw std::invalid_argument("turn.relay_address: not an IP address");
  }
  auto ports = parse_port_range(config.turn_relay_ports);
  if (!ports) throw std::invalid_argument("turn.relay_ports: not FIRST-LAST");
  settings.relay_ports = *ports;
  for (const auto& text : config.turn_allow_peers) {
    auto range = AddressRange::parse(text);
    if (!range) throw std::invalid_argument("turn.allow_peers: \"" + text + "\" is not a CIDR range");
    settings.allow_peers.push_back(*range);
  }
  settings.allocation_lifetime = seconds(config.turn_allocation_lifetime);
  settings.max_allocation_lifetime = seconds(config.turn_max_allocation_lifetime);
  settings.nonce_lifetime = seconds(config.turn_nonce_lifetime);
  settings.max_allocations = config.turn_max_allocations;
  settings.max_allocations_per_user = config.turn_max_allocations_per_user;
  settings.bandwidth_per_allocation = static_cast<double>(config.turn_bandwidth_per_allocation);
  return settings;
}

}  // namespace herald::turn
