// `herald token`: mints a connection token for testing and scripts (see commands.hpp).
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "protocol/jwt/jwt_minter.hpp"

namespace herald::cli {
namespace {

namespace json = boost::json;

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::invalid_argument("cannot read " + path);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

JwtKey signing_key(const TokenOptions& options) {
  if (!options.key_file.empty()) {
    std::string id = options.key_id;
    if (id.empty()) {
      id = options.key_file.substr(options.key_file.find_last_of('/') + 1);
      id = id.substr(0, id.rfind(".pem") == std::string::npos ? id.size() : id.rfind(".pem"));
    }
    return JwtKey::from_pem(read_file(options.key_file), id);
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
