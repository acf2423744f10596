// The `channel` query parameter: the one that the one-channel endpoints (history, presence) require, and the
// repeated one of the endpoints that follow several channels (SSE, long polling).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "protocol/http/api_error.hpp"
#include "protocol/http/http_request.hpp"

namespace herald {

// The channel named by `?channel=`; 400 invalid_field when missing, 400 invalid_channel when not a name.
Parsed<std::string> required_channel_param(const HttpRequest& request);

// The channels named by repeated `?channel=`: 1 to `max_channels`, each a valid name, none twice; else
// 400 invalid_field, too_many_channels ("<what> at most N channels") or invalid_channel.
Parsed<std::vector<std::string>> channel_list_param(const HttpRequest& request, std::size_t max_channels,
                                                    std::string_view what);

}  // namespace herald
