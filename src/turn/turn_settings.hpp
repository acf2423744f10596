// The STUN/TURN server's settings in the form its logic uses them, made from the [turn] section of the
// configuration: addresses parsed, durations as seconds, the relay port range as numbers. The parsing
// helpers are also what the configuration check uses, so that a value refused here is refused at start.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/net/address_range.hpp"
#include "runtime/config.hpp"

namespace herald::turn {

struct PortRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
};

struct HostPort {
  boost::asio::ip::address address;
  std::uint16_t port = 0;
};

struct TurnSettings {
  std::string secret;
  std::string realm = "herald";
  HostPort listen;
  boost::asio::ip::address relay_address;
  PortRange relay_ports{49160, 49200};
  std::vector<AddressRange> allow_peers;
  double allocation_lifetime = 600;  // seconds
  double max_allocation_lifetime = 3600;
  double permission_lifetime = 300;  // RFC 8656 section 9
  double channel_lifetime = 600;     // RFC 8656 section 12
  double nonce_lifetime = 600;
  std::size_t max_allocations = 1000;
  std::size_t max_allocations_per_user = 10;
  double bandwidth_per_allocation = 1'000'000;  // bytes a second; 0: no bound
};

// "FIRST-LAST" with 1 <= FIRST <= LAST <= 65535; nullopt otherwise.
std::optional<PortRange> parse_port_range(std::string_view text);

// "HOST:PORT" where HOST is an IP address ("[::1]" for IPv6) or localhost, and PORT is 1-65535.
std::optional<HostPort> parse_host_port(std::string_view text);

// The settings of `config`, whose [turn] section must have passed the configuration check. Throws
// std::invalid_argument naming the setting when a value does not parse.
TurnSettings turn_settings(const Config& config);

}  // namespace herald::turn
