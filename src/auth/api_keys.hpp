// API keys of server-side callers: `publish.api_key` and the named [[api_key]] entries, each with its scopes.
// A caller shows one as `Authorization: Bearer KEY`; keys are compared in constant time.
#pragma once
#include <optional>
#include <string_view>

#include "runtime/config.hpp"

namespace herald {

enum class KeyScope { publish, metrics };

// Whether any key with `scope` is configured.
bool has_api_key(const Config& config, KeyScope scope);

// The name of the key with `scope` that `credentials` is ("publish.api_key" for that key), or nullopt.
std::optional<std::string_view> api_key_named(const Config& config, std::string_view credentials,
                                              KeyScope scope);

// Whether `credentials` is any configured key, whatever its scope (such a value is never a token).
bool is_api_key(const Config& config, std::string_view credentials);

}  // namespace herald
