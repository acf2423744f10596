// The info a client shows in presence: the token's `info` claim (set by the backend, so trusted) wins over
// what the client says of itself, and it is bounded by presence.max_info_bytes.
#pragma once
#include <string>

#include "auth/identity.hpp"
#include "protocol/http/api_error.hpp"

namespace herald {

// The info JSON text to show for `identity` that offered `client_info`; 413 too_large over `max_bytes`.
Parsed<std::string> presence_info(const Identity& identity, std::string client_info, std::size_t max_bytes);

}  // namespace herald
