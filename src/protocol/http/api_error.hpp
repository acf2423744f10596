// API errors: an HTTP status plus a stable machine-readable code and a human message, sent as
// {"error":{"code":"…","message":"…"}}.
#pragma once
#include <string>
#include <variant>

#include "protocol/http/http_request.hpp"

namespace herald {

struct ApiError {
  http::status status;
  std::string code;
  std::string message;
};

// Either a value or the error that prevented it.
template <typename T>
using Parsed = std::variant<T, ApiError>;

HttpResponse json_response(http::status status, std::string body);
HttpResponse error_response(const ApiError& error);

}  // namespace herald
