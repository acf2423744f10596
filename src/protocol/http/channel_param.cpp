// The channel query parameter (see channel_param.hpp).
#include "protocol/http/channel_param.hpp"

#include "core/channel_name.hpp"

namespace herald {

Parsed<std::string> required_channel_param(const HttpRequest& request) {
  auto channel = request.param("channel");
  if (!channel)
    return ApiError{http::status::bad_request, "invalid_field", "the channel parameter is required"};
  if (!is_valid_channel_name(*channel)) return invalid_channel_error();
  return std::move(*channel);
}

}  // namespace herald
