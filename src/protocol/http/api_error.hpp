// API errors: an HTTP status plus a stable machine-readable code and a human message, sent as
// {"error":{"code":"…","message":"…"}}.
#pragma once
#include <optional>
#include <string>
#include <variant>

#include "protocol/http/http_request.hpp"

namespace herald {

struct ApiError {
  http::status status;
  std::string code;
  std::string message;
  // For a refusal that passes with time (429 rate_limited): seconds until a retry may succeed, sent as
  // "retry_after" in the error and as a Retry-After header (whole seconds, rounded up).
  std::optional<double> retry_after = std::nullopt;
};

// Either a value or the error that prevented it.
template <typename T>
using Parsed = std::variant<T, ApiError>;

// The errors several endpoints give, each made in one place.
ApiError invalid_channel_error();                // 400 invalid_channel: the name rules
ApiError unavailable_error(std::string reason);  // 503 unavailable: the engine could not serve it
ApiError shutting_down_error();                  // 503 unavailable: the server is shutting down

// `retry_after` as the errors give it: seconds, rounded up to the millisecond.
double retry_after_value(double seconds);

HttpResponse json_response(http::status status, std::string body);
// {"code":"…","message":"…"} (with "retry_after" when set): what the "error" member of a body holds.
std::string error_object_json(const ApiError& error);
// {"error":{…}} with `error`'s status (and a Retry-After header when it has retry_after).
HttpResponse error_response(const ApiError& error);

}  // namespace herald
