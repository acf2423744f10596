// Subscribe and publish permissions (see access.hpp).
#include "auth/access.hpp"

#include <stdexcept>

#include "auth/api_keys.hpp"
#include "auth/bearer.hpp"
#include "auth/channel_pattern.hpp"
#include "auth/publish_policy.hpp"

namespace herald {
namespace {

std::vector<JwtKey> configured_keys(const Config& config) {
  std::vector<JwtKey> keys;
  if (!config.auth_hmac_secret.empty()) keys.push_back(JwtKey::hmac(config.auth_hmac_secret));
  for (const auto& path : config.auth_public_keys) {
    try {
      keys.push_back(JwtKey::from_pem_file(path));
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("auth.public_key: " + path + ": " + error.what());
    }
  }
  return keys;
}

JwtVerifierSettings verifier_settings(const Config& config) {
  JwtVerifierSettings settings;
  settings.keys = configured_keys(config);
  settings.issuer = config.auth_issuer;
  settings.audience = config.auth_audience;
  settings.leeway = std::chrono::duration_cast<std::chrono::seconds>(config.auth_leeway);
  return settings;
}

// The value of cookie `name` in a Cookie header ("a=1; b=2", RFC 6265 section 4.2.1).
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    pair.remove_prefix(std::min(pair.find_first_not_of(' '), pair.size()));
    auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) return pair.substr(equals + 1);
  }
  return std::nullopt;
}

ApiError unauthorized(const JwtRefusal& refusal) {
  return {http::status::unauthorized, refusal.expired ? "token_expired" : "invalid_token", refusal.message};
}

}  // namespace

Access::Access(const Config& config) : config_(config), verifier_(verifier_settings(config)) {}

std::variant<Identity, ApiError> Access::identify_token(std::string_view token) const {
  auto verified = verifier_.verify(token, std::chrono::system_clock::now());
  if (auto* refusal = std::get_if<JwtRefusal>(&verified)) return unauthorized(*refusal);
  return Identity{std::make_shared<const JwtClaims>(std::get<JwtClaims>(std::move(verified)))};
}

std::variant<Identity, ApiError> Access::identify(const HttpRequest& request, bool cookie) const {
  if (!tokens_enabled()) return Identity{};
  auto bearer = bearer_credentials(request.header(http::field::authorization));
  if (bearer && !is_api_key(config_, *bearer)) return identify_token(*bearer);
  if (auto token = request.param("token")) return identify_token(*token);
  if (cookie && !config_.auth_cookie.empty()) {
    if (auto token = cookie_value(request.header(http::field::cookie), config_.auth_cookie))
      return identify_token(*token);
  }
  return Identity{};
}

std::variant<Identity, ApiError> Access::admit_subscriber(const HttpRequest& request,
                                                          const std::vector<std::string>& channels) const {
  auto identified = identify(request);
  if (auto* identity = std::get_if<Identity>(&identified)) {
    for (const auto& channel : channels)
      if (auto refusal = check_subscribe(*identity, channel)) return *refusal;
  }
  return identified;
}

bool Access::keeps_presence(std::string_view channel) const {
  const Namespace* space = namespace_of(channel);
  return space != nullptr && space->presence;
}

const Namespace* Access::namespace_of(std::string_view channel) const {
  const Namespace* best = nullptr;
  for (const auto& space : config_.namespaces) {
    if (channel.starts_with(space.prefix) && (!best || space.prefix.size() > best->prefix.size()))
      best = &space;
  }
  return best;
}

std::optional<ApiError> Access::check_subscribe(const Identity& identity, std::string_view channel) const {
  if (!tokens_enabled()) return std::nullopt;
  if (identity.token && any_pattern_covers(identity.token->channels, channel)) return std::nullopt;
  const Namespace* space = namespace_of(channel);
  if (space && space->anonymous_subscribe) return std::nullopt;
  if (identity.anonymous())
    return ApiError{http::status::unauthorized, "token_required",
                    "subscribing to " + std::string(channel) + " needs a token that allows it"};
  return ApiError{http::status::forbidden, "forbidden_channel",
                  "the token does not allow subscribing to " + std::string(channel)};
}

std::optional<ApiError> Access::check_client_publish(const Identity& identity,
                                                     std::string_view channel) const {
  if (identity.token && any_pattern_covers(identity.token->publish, channel)) return std::nullopt;
  const Namespace* space = namespace_of(channel);
  bool namespace_allows = (space && space->client_publish) || may_client_publish(config_, channel);
  if (namespace_allows && !check_subscribe(identity, channel)) return std::nullopt;
  if (tokens_enabled() && identity.anonymous())
    return ApiError{http::status::unauthorized, "token_required",
                    "publishing to " + std::string(channel) + " needs a token that allows it"};
  return ApiError{http::status::forbidden, "forbidden", "clients may not publish to " + std::string(channel)};
}

std::size_t Access::max_subscribers(std::string_view channel) const {
  const Namespace* space = namespace_of(channel);
  return space ? space->max_subscribers : 0;
}

}  // namespace herald
