// Cross-origin resource sharing (the WHATWG Fetch standard's CORS protocol) for the HTTP API and SSE: which
// pages of other origins may read herald's answers (http.cors_origins), the headers that say so, and the
// answer to a preflight request. docs/protocol.md (Cross-origin pages) describes the rules.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/http/http_request.hpp"
#include "protocol/http/router.hpp"

namespace herald {

struct CorsGrant {
  std::string origin;        // echoed in Access-Control-Allow-Origin
  bool credentials = false;  // Access-Control-Allow-Credentials: only for origins listed by name
};

// Whether CORS applies to `route`: the publish, history, long-polling and SSE endpoints.
bool is_cors_route(Route route);

// The grant for a request whose Origin is `origin`, or nullopt when the origin is not in `allowed` (exact
// "scheme://host[:port]" entries compared without regard to case, or "*" for every origin, without
// credentials).
std::optional<CorsGrant> cors_grant(const std::vector<std::string>& allowed, std::string_view origin);

// Adds the grant's headers to `response` (and Vary: Origin).
void apply_cors(HttpResponse& response, const CorsGrant& grant);
// The same headers as raw lines ("Name: value\r\n" each), for a response head written by hand (SSE).
std::string cors_header_lines(const CorsGrant& grant);

// Whether `request` is a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method.
bool is_preflight(const HttpRequest& request);

// 204 with what the route allows (`allow`: its methods), the request headers herald reads, and a max age.
HttpResponse preflight_response(const CorsGrant& grant, std::string_view allow);

}  // namespace herald
