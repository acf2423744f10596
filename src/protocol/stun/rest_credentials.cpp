// REST credentials: HMAC-SHA1 (integrity.hpp) encoded with the standard base64 coder (protocol/base64);
// the expiry is parsed with std::from_chars and compared in whole seconds.
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

// The expiry at the start of `username` in seconds since the epoch: decimal digits (as many as fit 64
// bits) up to ':' or the end.
std::optional<std::int64_t> parse_expiry(std::string_view username) {
  std::string_view digits = username.substr(0, username.find(':'));
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::int64_t seconds = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return seconds;
}

// The time point of an expiry; one beyond the clock's range (after 2262 for nanosecond clocks) is the
// clock's last time point.
Clock::time_point expiry_time(std::int64_t seconds) {
  constexpr auto kLast =
      std::chrono::floor<std::chrono::seconds>(Clock::time_point::max().time_since_epoch());
  if (seconds >= kLast.count()) return Clock::time_point::max();
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
  // Valid through the whole expiry second: compared in whole seconds, which cannot overflow.
  auto now_seconds = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  if (now_seconds > *expiry) return {RestCheck::expired, expiry_time(*expiry), {}};
  return {RestCheck::valid, expiry_time(*expiry), rest_password(secret, username)};
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
