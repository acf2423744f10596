// Publish permissions (see publish_policy.hpp).
#include "auth/publish_policy.hpp"

#include <boost/beast/core/string.hpp>

#include "auth/api_keys.hpp"
#include "auth/bearer.hpp"
#include "protocol/http/origin.hpp"
#include "protocol/net/address_range.hpp"

namespace herald {
namespace asio = boost::asio;
namespace {

bool is_loopback(const asio::ip::address& remote) { return unmapped(remote).is_loopback(); }

// A host by which a browser reaches herald on this machine: localhost, 127.0.0.0/8 or [::1].
bool is_loopback_host(std::string_view host) {
  if (boost::beast::iequals(host, "localhost") || host == "[::1]") return true;
  boost::system::error_code ec;
  auto address = asio::ip::make_address_v4(host, ec);
  return !ec && address.is_loopback();
}

bool is_listed(std::string_view origin, const std::vector<std::string>& allowed) {
  for (const auto& entry : allowed)
    if (entry == "*" || boost::beast::iequals(entry, origin)) return true;
  return false;
}

// herald's own origin: a page served by herald from the Host of this request, over the same scheme as
// the request (https on a TLS listener, http otherwise), reached on a loopback host, so that a foreign
// name resolving to 127.0.0.1 (DNS rebinding) is not own.
bool is_own_origin(std::string_view origin, std::string_view host, bool secure) {
  auto parsed = parse_origin(origin);
  if (!parsed || parsed->scheme != (secure ? "https" : "http")) return false;
  return boost::beast::iequals(parsed->authority(), host) && is_loopback_host(parsed->host);
}

ApiError forbidden_origin(std::string why) {
  return {http::status::forbidden, "forbidden_origin",
          std::move(why) +
              "; without an API key only herald's own pages and origins in publish.allowed_origins "
              "may publish from a browser"};
}

// A browser says where a request comes from: Origin, and Sec-Fetch-Site. Programs send neither.
std::optional<ApiError> check_browser_origin(const Config& config, const HttpRequest& request) {
  std::string_view origin = request.header(http::field::origin);
  if (!origin.empty()) {
    if (is_listed(origin, config.publish_allowed_origins) ||
        is_own_origin(origin, request.header(http::field::host), request.secure()))
      return std::nullopt;
    return forbidden_origin("pages from " + std::string(origin) + " may not publish here");
  }
  std::string_view site = request.header("Sec-Fetch-Site");
  if (boost::beast::iequals(site, "cross-site") || boost::beast::iequals(site, "same-site"))
    return forbidden_origin("a " + std::string(site) + " request without Origin may not publish here");
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> check_http_publisher(const Config& config, const HttpRequest& request) {
  if (has_api_key(config, KeyScope::publish)) {
    auto credentials = bearer_credentials(request.header(http::field::authorization));
    if (credentials && api_key_named(config, *credentials, KeyScope::publish)) return std::nullopt;
    return ApiError{http::status::unauthorized, "unauthorized",
                    "a valid 'Authorization: Bearer <api key>' is required"};
  }
  if (!is_loopback(request.remote()))
    return ApiError{http::status::forbidden, "forbidden",
                    "no API key is configured, so only loopback clients may publish"};
  return check_browser_origin(config, request);
}

HttpResponse refusal_response(const ApiError& error) {
  HttpResponse response = error_response(error);
  if (error.status == http::status::unauthorized) {
    std::string challenge(kBearerChallenge);
    if (error.code == "invalid_token" || error.code == "token_expired")
      challenge.append(", error=\"invalid_token\"");
    response.set(http::field::www_authenticate, challenge);
  }
  return response;
}

bool may_client_publish(const Config& config, std::string_view channel) {
  for (const auto& prefix : config.ws_publish_prefixes)
    if (prefix == "*" || channel.starts_with(prefix)) return true;
  return false;
}

}  // namespace herald
