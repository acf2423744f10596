// Who a client is: anonymous, or the holder of a verified connection token and what it grants.
#pragma once
#include <memory>

#include "protocol/jwt/jwt_claims.hpp"

namespace herald {

struct Identity {
  // None: anonymous. Shared, so that a connection carries one pointer and copies of an identity are cheap.
  std::shared_ptr<const JwtClaims> token;

  bool anonymous() const { return token == nullptr; }
};

}  // namespace herald
