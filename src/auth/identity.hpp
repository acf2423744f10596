// Who a client is: anonymous, or the holder of a verified connection token and what it grants.
#pragma once
#include <optional>

#include "protocol/jwt/jwt_claims.hpp"

namespace herald {

struct Identity {
  std::optional<JwtClaims> token;  // none: anonymous

  bool anonymous() const { return !token.has_value(); }
};

}  // namespace herald
