// `herald token`: mints a connection token for testing and scripts (see commands.hpp).
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "protocol/jwt/jwt_minter.hpp"

namespace herald::cli {
namespace {

namespace json = boost::json;

JwtKey signing_key(const TokenOptions& options) {
  if (!options.key_file.empty()) {
    try {
      return JwtKey::from_pem_file(options.key_file, options.key_id);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(options.key_file + ": " + error.what());
    }
  }
  std::string secret = options.secret;
  if (secret.empty()) {
    const char* from_environment = std::getenv("HERALD_AUTH_HMAC_SECRET");
    if (from_environment != nullptr) secret = from_environment;
  }
  if (secret.empty()) throw std::invalid_argument("give --secret, --key FILE or $HERALD_AUTH_HMAC_SECRET");
  return JwtKey::hmac(secret, options.key_id);
}

json::array as_array(const std::vector<std::string>& items) {
  json::array array;
  for (const auto& item : items) array.emplace_back(item);
  return array;
}

json::object claims_of(const TokenOptions& options) {
  json::object claims;
  if (!options.subject.empty()) claims["sub"] = options.subject;
  if (!options.channels.empty()) claims["channels"] = as_array(options.channels);
  if (!options.publish.empty()) claims["publish"] = as_array(options.publish);
  if (!options.issuer.empty()) claims["iss"] = options.issuer;
  if (!options.audience.empty()) claims["aud"] = options.audience;
  auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  claims["iat"] = now.count();
  if (options.ttl_seconds > 0) claims["exp"] = now.count() + static_cast<std::int64_t>(options.ttl_seconds);
  return claims;
}

}  // namespace

int token_command(const TokenOptions& options) {
  try {
    std::cout << mint_jwt(signing_key(options), claims_of(options)) << "\n";
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "herald token: " << error.what() << "\n";
    return 2;
  }
}

}  // namespace herald::cli
