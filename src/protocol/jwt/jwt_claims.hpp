// What a verified connection token says about its holder: who it is and which channels it may subscribe
// to and publish to (exact names, or a prefix ending in `*`). docs/security.md describes the claims.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace herald {

struct JwtClaims {
  std::string subject;                                              // `sub`; empty when the token has none
  std::vector<std::string> channels;                                // `channels`: may subscribe
  std::vector<std::string> publish;                                 // `publish`: may publish as a client
  std::optional<std::chrono::system_clock::time_point> expires_at;  // `exp`; none: never
  std::string info;  // the `info` claim as JSON text (shown to others in presence); empty when absent
};

}  // namespace herald
