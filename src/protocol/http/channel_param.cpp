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

Parsed<std::vector<std::string>> channel_list_param(const HttpRequest& request, std::size_t max_channels,
                                                    std::string_view what) {
  std::vector<std::string> channels = request.params("channel");
  if (channels.empty())
    return ApiError{http::status::bad_request, "invalid_field", "at least one channel parameter is required"};
  if (channels.size() > max_channels)
    return ApiError{http::status::bad_request, "too_many_channels",
                    std::string(what) + " at most " + std::to_string(max_channels) + " channels"};
  for (std::size_t i = 0; i < channels.size(); ++i) {
    if (!is_valid_channel_name(channels[i])) return invalid_channel_error();
    for (std::size_t j = 0; j < i; ++j)
      if (channels[j] == channels[i])
        return ApiError{http::status::bad_request, "invalid_channel", "a channel is listed twice"};
  }
  return channels;
}

}  // namespace herald
