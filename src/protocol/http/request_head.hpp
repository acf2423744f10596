// Checks of a request's header block that must pass before its body is read: how the body is delimited
// (RFC 9112 section 6: Transfer-Encoding and Content-Length) and the Host header (RFC 9112 section 3.2).
// A request that fails cannot be delimited reliably, or names no host: it is answered with the error and
// the connection is closed, so that no byte after it is read as another request.
#pragma once
#include <boost/beast/http/message.hpp>
#include <optional>

#include "protocol/http/api_error.hpp"

namespace herald {

// nullopt when the header block is acceptable; else 400 bad_request, or 501 not_implemented for a
// transfer coding herald does not decode.
std::optional<ApiError> check_request_head(const http::request_header<>& head);

}  // namespace herald
