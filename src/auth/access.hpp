// Who may subscribe to and publish on which channel, for every transport. Built once from the settings
// (keys read from their files) and shared, read-only, by every worker.
//
// Without [auth] keys everyone may subscribe (herald's behaviour before tokens), and clients may publish
// where a namespace allows it. With keys, a client that subscribes needs a token whose `channels` covers the
// channel, unless the channel's namespace allows anonymous subscribers; a client publishes where its token's
// `publish` covers the channel or its namespace allows client publishing. docs/security.md has the rules.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/identity.hpp"
#include "protocol/http/api_error.hpp"
#include "protocol/http/http_request.hpp"
#include "protocol/jwt/jwt_verifier.hpp"
#include "runtime/config.hpp"

namespace herald {

class Access {
 public:
  // Reads the key files. Throws std::invalid_argument naming the setting and the problem.
  explicit Access(const Config& config);

  // Whether connection tokens are configured (auth.hmac_secret or auth.public_key).
  bool tokens_enabled() const { return !verifier_.settings().keys.empty(); }

  // The client's identity from its token (Authorization: Bearer, ?token= or the auth.cookie cookie):
  // anonymous without a token; 401 invalid_token or token_expired for a token that is not valid. A
  // bearer value equal to an API key is not a token. Without keys configured every client is anonymous.
  // `cookie = false` ignores the cookie: for requests that change something, which a page of another site
  // could make a browser send with the cookie attached.
  std::variant<Identity, ApiError> identify(const HttpRequest& request, bool cookie = true) const;
  // The identity a token gives (for a WebSocket `refresh`).
  std::variant<Identity, ApiError> identify_token(std::string_view token) const;

  // The identity of a client of `request` that subscribes to `channels`, or why it may not.
  std::variant<Identity, ApiError> admit_subscriber(const HttpRequest& request,
                                                    const std::vector<std::string>& channels) const;

  // nullopt when `identity` may subscribe to `channel`; else 401 token_required or 403 forbidden_channel.
  std::optional<ApiError> check_subscribe(const Identity& identity, std::string_view channel) const;
  // nullopt when `identity` may publish to `channel` as a client; else 401 or 403.
  std::optional<ApiError> check_client_publish(const Identity& identity, std::string_view channel) const;
  // Whether `channel` keeps presence (its namespace's `presence`).
  bool keeps_presence(std::string_view channel) const;
  // The most subscribers `channel` may have on this node (its namespace's max_subscribers); 0: no limit.
  std::size_t max_subscribers(std::string_view channel) const;

 private:
  const Namespace* namespace_of(std::string_view channel) const;

  const Config& config_;
  JwtVerifier verifier_;
};

}  // namespace herald
