// Verification of connection tokens: compact JWS JSON Web Tokens (RFC 7519) signed HS256, RS256 or ES256
// with one of the configured keys. The token's `alg` must be the algorithm of a configured key (`none` and
// every other algorithm are refused), `kid` picks the key when given, unknown critical headers are
// refused, `exp`, `nbf` and `iat` are checked with a leeway, `iss` and `aud` when configured, and the
// herald claims must have their documented types. Refusals say why, in words fit for a client.
#pragma once
#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/jwt/jwt_claims.hpp"
#include "protocol/jwt/jwt_key.hpp"

namespace herald {

struct JwtRefusal {
  bool expired = false;  // the token was valid but its `exp` has passed (clients should fetch a new one)
  std::string message;
};

struct JwtVerifierSettings {
  std::vector<JwtKey> keys;
  std::string issuer;    // empty: `iss` not checked
  std::string audience;  // empty: `aud` not checked
  std::chrono::seconds leeway{30};
  std::size_t max_token_bytes = 8192;
  std::size_t max_info_bytes = 2048;
};

using JwtVerification = std::variant<JwtClaims, JwtRefusal>;

class JwtVerifier {
 public:
  explicit JwtVerifier(JwtVerifierSettings settings) : settings_(std::move(settings)) {}

  JwtVerification verify(std::string_view token, std::chrono::system_clock::time_point now) const;

  const JwtVerifierSettings& settings() const { return settings_; }

 private:
  JwtVerifierSettings settings_;
};

}  // namespace herald
