// Browser origins (the Origin header, RFC 6454 section 6.1): "scheme://host[:port]" and nothing else.
// One strict parser for every origin check herald makes (WebSocket handshakes, publishing), so that a
// text such as "http://localhost:19300.evil.com" is never read as a loopback origin.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace herald {

struct Origin {
  std::string scheme;  // lower case
  std::string host;    // lower case; an IPv6 address keeps its brackets: "[::1]"
  std::string port;    // 1 to 65535 in decimal without leading zeros; empty when the origin has none

  std::string authority() const { return port.empty() ? host : host + ":" + port; }  // "host[:port]"
};

// The origin `text` names, or nullopt unless it is exactly scheme "://" host [ ":" port ]: no user
// information, path, query or fragment; the host a DNS name, an IPv4 address or a bracketed IPv6
// address; the port digits only, 1 to 65535. "null" (an opaque origin) is not parsed.
std::optional<Origin> parse_origin(std::string_view text);

}  // namespace herald
