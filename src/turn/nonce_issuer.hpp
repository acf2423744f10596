// NONCE values of the long-term credential mechanism (RFC 8489 section 9.2), issued and checked without
// keeping any state: a nonce is its expiry time and an HMAC-SHA256 of that time and the client's
// transport address under a key drawn at random when the server starts. A nonce is valid for one client
// until it expires; after that, or from another client or another run of the server, the request gets 438
// (Stale Nonce) with a fresh one.
#pragma once
#include <string>
#include <string_view>

namespace herald::turn {

enum class NonceCheck { valid, stale };

class NonceIssuer {
 public:
  // `lifetime` in seconds; the key is drawn from OpenSSL's random generator.
  explicit NonceIssuer(double lifetime);
  // With a given key (tests).
  NonceIssuer(double lifetime, std::string key);

  // A nonce for the client named `client` (its protocol and transport address as text), valid from `now`
  // (seconds on a monotonic clock) for the lifetime.
  std::string issue(std::string_view client, double now) const;
  NonceCheck check(std::string_view nonce, std::string_view client, double now) const;

 private:
  std::string mac(std::string_view expiry, std::string_view client) const;

  double lifetime_;
  std::string key_;
};

}  // namespace herald::turn
