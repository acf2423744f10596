// base64url without padding (RFC 4648 section 5, as JWS uses it, RFC 7515 section 2), on the standard
// base64 coder (protocol/base64.hpp): only the alphabet and the padding differ.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace herald {

std::string base64url_encode(std::string_view bytes);

// The bytes `text` encodes, or nullopt when it is not unpadded base64url (a character outside the
// alphabet, padding, a length that no byte string has, or bits left over in the last character).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace herald
