// REST credentials: HMAC-SHA1 (integrity.hpp) encoded with the standard base64 coder (protocol/base64);
// the expiry is parsed with std::from_chars, bounded so that it fits the clock.
#include "protocol/stun/rest_credentials.hpp"

#include <openssl/crypto.h>

#include <charconv>
#include <cstdint>
#include <optional>

#include "protocol/base64.hpp"
#include "protocol/stun/integrity.hpp"

namespace herald::stun {
namespace {

using Clock = std::chrono::system_clock;

// Expiries past this (year 33658) are refused: they are not meant, and seconds this large would
// overflow the clock's nanoseconds.
constexpr std::int64_t kMaxExpiry = 999'999'999'999;

// The expiry at the start of `username`: digits up to ':' or the end.
std::optional<Clock::time_point> parse_expiry(std::string_view username) {
  std::string_view digits = username.substr(0, username.find(':'));
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  std::int64_t seconds = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
  if (error != std::errc() || end != digits.data() + digits.size() || seconds < 0 || seconds > kMaxExpiry) {
    return std::nullopt;
  }
  return Clock::time_point(std::chrono::seconds(seconds));
}

}  // namespace

std::string rest_password(std::string_view secret, std::string_view username) {
  return base64_encode(hmac_sha1(secret, username));
}

RestCredential mint_rest_credential(std::string_view secret, std::string_view user,
                                    Clock::time_point expires_at) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(expires_at.time_since_epoch()).count();
  std::string username = std::to_string(seconds);
  if (!user.empty()) username.append(":").append(user);
  std::string password = rest_password(secret, username);
  return {std::move(username), std::move(password)};
}

RestUsername check_rest_username(std::string_view secret, std::string_view username, Clock::time_point now) {
  auto expiry = parse_expiry(username);
  if (!expiry) return {RestCheck::malformed, {}, {}};
  // Valid through the whole expiry second.
  if (now >= *expiry + std::chrono::seconds(1)) return {RestCheck::expired, *expiry, {}};
  return {RestCheck::valid, *expiry, rest_password(secret, username)};
}

RestCheck check_rest_credential(std::string_view secret, std::string_view username, std::string_view password,
                                Clock::time_point now) {
  RestUsername checked = check_rest_username(secret, username, now);
  if (checked.status != RestCheck::valid) return checked.status;
  bool matches = password.size() == checked.password.size() &&
                 CRYPTO_memcmp(password.data(), checked.password.data(), password.size()) == 0;
  return matches ? RestCheck::valid : RestCheck::wrong_password;
}

}  // namespace herald::stun
