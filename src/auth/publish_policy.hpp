// Who may publish, in one place: HTTP publishers (the API key, or without one: loopback clients, and from
// browsers only herald's own pages or listed origins) and WebSocket clients (channel prefixes).
// docs/protocol.md (Authentication) describes the rules.
#pragma once
#include <optional>
#include <string_view>

#include "protocol/http/api_error.hpp"
#include "protocol/http/http_request.hpp"
#include "runtime/config.hpp"

namespace herald {

// The WWW-Authenticate challenge sent with a 401 (RFC 6750 section 3).
inline constexpr std::string_view kBearerChallenge = "Bearer realm=\"herald\"";

// An error response; a 401 carries the challenge, with error="invalid_token" for a token that was refused.
HttpResponse refusal_response(const ApiError& error);

// nullopt when `request` may publish over HTTP; else 401 unauthorized (a missing or wrong API key),
// 403 forbidden (no API key, not a loopback client) or 403 forbidden_origin (no API key, sent by a page of
// another origin).
std::optional<ApiError> check_http_publisher(const Config& config, const HttpRequest& request);

// Whether a WebSocket client may publish to `channel` (ws.publish_prefixes).
bool may_client_publish(const Config& config, std::string_view channel);

}  // namespace herald
