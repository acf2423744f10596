// The bytes of an HTTP response's head (status line, header fields, blank line), written straight from
// the response's fields. Beast's serializer does the same through a generic buffer machinery that costs
// more than the request itself on small answers (long polls, publishes); herald's responses have a
// Content-Length, never a transfer coding, so the head and the body can leave in one gather write.
#pragma once
#include <string>

#include "protocol/http/http_request.hpp"

namespace herald {

// Whether `response` can be written as response_head() plus its body: it has no Transfer-Encoding.
bool writable_as_head_and_body(const HttpResponse& response);

// "HTTP/1.1 200 OK\r\n", every field as "Name: value\r\n" in order, then "\r\n".
std::string response_head(const HttpResponse& response);

}  // namespace herald
