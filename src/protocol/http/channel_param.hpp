// The `channel` query parameter that the one-channel endpoints (history, long polling, presence) require.
#pragma once
#include <string>

#include "protocol/http/api_error.hpp"
#include "protocol/http/http_request.hpp"

namespace herald {

// The channel named by `?channel=`; 400 invalid_field when missing, 400 invalid_channel when not a name.
Parsed<std::string> required_channel_param(const HttpRequest& request);

}  // namespace herald
