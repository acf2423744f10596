// API key lookup (see api_keys.hpp).
#include "auth/api_keys.hpp"

#include <openssl/crypto.h>

namespace herald {
namespace {

bool same_secret(std::string_view given, std::string_view key) {
  return given.size() == key.size() && CRYPTO_memcmp(given.data(), key.data(), key.size()) == 0;
}

bool has_scope(const ApiKey& key, KeyScope scope) {
  return scope == KeyScope::publish ? key.publish : key.metrics;
}

}  // namespace

bool has_api_key(const Config& config, KeyScope scope) {
  if (scope == KeyScope::publish && !config.api_key.empty()) return true;
  for (const auto& key : config.api_keys)
    if (has_scope(key, scope)) return true;
  return false;
}

std::optional<std::string_view> api_key_named(const Config& config, std::string_view credentials,
                                              KeyScope scope) {
  std::optional<std::string_view> found;
  // Every key is compared, so that the time taken does not tell which one matched.
  if (scope == KeyScope::publish && !config.api_key.empty() && same_secret(credentials, config.api_key))
    found = "publish.api_key";
  for (const auto& key : config.api_keys)
    if (has_scope(key, scope) && same_secret(credentials, key.key) && !found) found = key.name;
  return found;
}

bool is_api_key(const Config& config, std::string_view credentials) {
  return api_key_named(config, credentials, KeyScope::publish) ||
         api_key_named(config, credentials, KeyScope::metrics);
}

}  // namespace herald
