// The attributes of an error response (RFC 8489 sections 14.8 and 14.13): ERROR-CODE (a code 300-699 and a
// UTF-8 reason phrase) and UNKNOWN-ATTRIBUTES (the comprehension-required types a 420 response refuses).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/stun/message.hpp"

namespace herald::stun {

// The codes STUN and TURN define (RFC 8489 section 14.8, RFC 8656 section 19).
namespace error_code {
inline constexpr int try_alternate = 300;
inline constexpr int bad_request = 400;
inline constexpr int unauthorized = 401;
inline constexpr int forbidden = 403;
inline constexpr int mobility_forbidden = 405;
inline constexpr int unknown_attribute = 420;
inline constexpr int allocation_mismatch = 437;
inline constexpr int stale_nonce = 438;
inline constexpr int address_family_not_supported = 440;
inline constexpr int wrong_credentials = 441;
inline constexpr int unsupported_transport_protocol = 442;
inline constexpr int peer_address_family_mismatch = 443;
inline constexpr int allocation_quota_reached = 486;
inline constexpr int server_error = 500;
inline constexpr int insufficient_capacity = 508;
}  // namespace error_code

struct ErrorCode {
  int code = 0;  // class * 100 + number
  std::string reason;

  friend bool operator==(const ErrorCode&, const ErrorCode&) = default;
};

// Throws std::invalid_argument for a code outside 300-699 or a reason that is not UTF-8 of fewer than 509
// bytes (the server's own values, as with make_text_attribute).
Attribute make_error_code(int code, std::string_view reason);

// The code and reason of an ERROR-CODE value; nullopt when shorter than 4 bytes, the class is not 3-6, the
// number is over 99, or the reason is not UTF-8 of at most 763 bytes.
std::optional<ErrorCode> read_error_code(std::string_view value);

// The reason phrase the RFCs suggest for `code` ("Bad Request", "Unauthorized", ...), or "Error".
std::string_view default_reason(int code);

Attribute make_unknown_attributes(std::span<const std::uint16_t> types);

// The types in an UNKNOWN-ATTRIBUTES value; nullopt when its length is odd.
std::optional<std::vector<std::uint16_t>> read_unknown_attributes(std::string_view value);

}  // namespace herald::stun
