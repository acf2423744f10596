// CORS headers and preflight answers (see cors.hpp).
#include "protocol/http/cors.hpp"

#include <boost/beast/core/string.hpp>
#include <utility>
#include <vector>

namespace herald {

bool is_cors_route(Route route) {
  return route == Route::publish || route == Route::history || route == Route::longpoll ||
         route == Route::presence || route == Route::sse || route == Route::ice_servers;
}

std::optional<CorsGrant> cors_grant(const std::vector<std::string>& allowed, std::string_view origin) {
  if (origin.empty() || origin == "null") return std::nullopt;
  bool any = false;
  for (const auto& entry : allowed) {
    if (boost::beast::iequals(entry, origin)) return CorsGrant{std::string(origin), true};
    any = any || entry == "*";
  }
  if (any) return CorsGrant{std::string(origin), false};
  return std::nullopt;
}

namespace {

std::vector<std::pair<http::field, std::string_view>> cors_headers(const CorsGrant& grant) {
  std::vector<std::pair<http::field, std::string_view>> headers{
      {http::field::access_control_allow_origin, grant.origin}};
  if (grant.credentials) headers.emplace_back(http::field::access_control_allow_credentials, "true");
  headers.emplace_back(http::field::vary, "Origin");
  return headers;
}

}  // namespace

void apply_cors(HttpResponse& response, const CorsGrant& grant) {
  for (const auto& [field, value] : cors_headers(grant)) response.set(field, value);
}

std::string cors_header_lines(const CorsGrant& grant) {
  std::string lines;
  for (const auto& [field, value] : cors_headers(grant)) {
    lines += http::to_string(field);
    lines += ": ";
    lines += value;
    lines += "\r\n";
  }
  return lines;
}

bool is_preflight(const HttpRequest& request) {
  return request.method() == http::verb::options && !request.header(http::field::origin).empty() &&
         !request.header(http::field::access_control_request_method).empty();
}

HttpResponse preflight_response(const CorsGrant& grant, std::string_view allow) {
  HttpResponse response{http::status::no_content, 11};
  apply_cors(response, grant);
  response.set(http::field::access_control_allow_methods, allow);
  response.set(http::field::access_control_allow_headers,
               "Authorization, Content-Type, Idempotency-Key, Last-Event-ID");
  response.set(http::field::access_control_max_age, "600");
  return response;
}

}  // namespace herald
