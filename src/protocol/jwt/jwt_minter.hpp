// Making connection tokens (compact JWS) from a claims object: for `herald token` and the tests. Servers
// that issue tokens in production use their own JWT library (docs/security.md shows how).
#pragma once
#include <boost/json/object.hpp>
#include <string>

#include "protocol/jwt/jwt_key.hpp"

namespace herald {

// A token over `claims`, signed with `key` (which must be able to sign), with `kid` when the key has an id.
std::string mint_jwt(const JwtKey& key, const boost::json::object& claims);

}  // namespace herald
