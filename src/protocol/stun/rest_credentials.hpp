// Time-limited TURN credentials from a shared secret (the "TURN REST API" scheme, coturn's
// use-auth-secret): the username is "<unix expiry>:<user>" (or just "<unix expiry>"), the password is
// base64(HMAC-SHA1(secret, username)). An application server that knows the secret mints them for its
// clients; the TURN server recomputes the password from the username alone, and from it the long-term
// key (long_term_key in integrity.hpp) that MESSAGE-INTEGRITY is checked with.
#pragma once
#include <chrono>
#include <string>
#include <string_view>

namespace herald::stun {

struct RestCredential {
  std::string username;
  std::string password;
};

// The credential for `user` (may be empty: then the username is the expiry alone) valid until
// `expires_at` (whole seconds, rounded down).
RestCredential mint_rest_credential(std::string_view secret, std::string_view user,
                                    std::chrono::system_clock::time_point expires_at);

// The password that goes with `username`.
std::string rest_password(std::string_view secret, std::string_view username);

enum class RestCheck {
  valid,
  expired,         // the expiry is in the past
  malformed,       // the username does not start with a decimal expiry (64 bits) followed by ':' or its end
  wrong_password,  // (check_rest_credential only)
};

struct RestUsername {
  RestCheck status = RestCheck::malformed;
  std::chrono::system_clock::time_point expires_at{};  // when not malformed (at most the clock's last point)
  std::string password;                                // when valid: rest_password(secret, username)
};

// What a TURN server needs from a USERNAME: whether it is a well-formed unexpired REST username, and the
// password to derive the key from. A username is valid up to and including its expiry second.
RestUsername check_rest_username(std::string_view secret, std::string_view username,
                                 std::chrono::system_clock::time_point now);

// The whole check of a username and password (compared in constant time), for credentials that arrive
// as a pair (e.g. an HTTP API), not through MESSAGE-INTEGRITY.
RestCheck check_rest_credential(std::string_view secret, std::string_view username, std::string_view password,
                                std::chrono::system_clock::time_point now);

}  // namespace herald::stun
