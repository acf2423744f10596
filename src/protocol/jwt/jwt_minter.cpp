// Header, payload and signature, each base64url-encoded and joined by dots (RFC 7515 section 7.1).
#include "protocol/jwt/jwt_minter.hpp"

#include <boost/json/serialize.hpp>

#include "protocol/jwt/base64url.hpp"
#include "protocol/jwt/jwt_signature.hpp"

namespace herald {

std::string mint_jwt(const JwtKey& key, const boost::json::object& claims) {
  boost::json::object header{{"alg", jwt_algorithm_name(key.algorithm())}, {"typ", "JWT"}};
  if (!key.id().empty()) header["kid"] = key.id();
  std::string signing_input = base64url_encode(boost::json::serialize(header)) + "." +
                              base64url_encode(boost::json::serialize(claims));
  return signing_input + "." + base64url_encode(sign_jws(key, signing_input));
}

}  // namespace herald
