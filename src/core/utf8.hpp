// UTF-8 validation, for text that must be valid UTF-8 on the wire (JSON strings, WebSocket text frames).
#pragma once
#include <string_view>

namespace herald {

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace herald
