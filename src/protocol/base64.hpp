// Standard base64 with padding (RFC 4648 section 4), on OpenSSL's base64 coder. The JWS form
// (base64url without padding) is built on it in jwt/base64url; TURN REST credentials use this one.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace herald {

std::string base64_encode(std::string_view bytes);

// The bytes `text` encodes, or nullopt when it is not canonical padded base64: a character outside the
// alphabet (whitespace included), a length that is not a multiple of 4, misplaced padding, or bits left
// over in the last character.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace herald
