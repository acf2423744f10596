// API error responses (see api_error.hpp).
#include "protocol/http/api_error.hpp"

#include <boost/json.hpp>
#include <cmath>

namespace herald {

double retry_after_value(double seconds) { return std::ceil(seconds * 1000) / 1000; }

ApiError invalid_channel_error() {
  return {http::status::bad_request, "invalid_channel",
          "channel names are 1-255 bytes of A-Z a-z 0-9 _ . : @ = -"};
}

ApiError unavailable_error(std::string reason) {
  return {http::status::service_unavailable, "unavailable", std::move(reason)};
}

ApiError shutting_down_error() { return unavailable_error("the server is shutting down"); }

HttpResponse json_response(http::status status, std::string body) {
  HttpResponse response{status, 11};
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

std::string error_object_json(const ApiError& error) {
  boost::json::object detail;
  detail["code"] = error.code;
  detail["message"] = error.message;
  if (error.retry_after) detail["retry_after"] = retry_after_value(*error.retry_after);
  return boost::json::serialize(detail);
}

HttpResponse error_response(const ApiError& error) {
  HttpResponse response = json_response(error.status, "{\"error\":" + error_object_json(error) + "}");
  if (error.retry_after)
    response.set(http::field::retry_after,
                 std::to_string(static_cast<long long>(std::ceil(*error.retry_after))));
  return response;
}

}  // namespace herald
