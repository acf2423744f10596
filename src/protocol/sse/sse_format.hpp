// Server-Sent Events framing (WHATWG HTML "event stream" format): fields, multi-line data, comments.
#pragma once
#include <string>
#include <string_view>

namespace herald::sse {

// "event: NAME\n" followed by one "data: ..." line per line of `data` (split at \n, \r\n and \r)
// and the blank line that ends the event. An empty `event` writes no event line.
void append_event_body(std::string& out, std::string_view event, std::string_view data);

// "id: TOKEN\n". The token must not contain line breaks (cursors and resume tokens never do).
void append_id(std::string& out, std::string_view id);

// "retry: MS\n\n" tells the client how long to wait before it reconnects.
std::string retry_field(unsigned retry_ms);

// A comment line, ignored by clients: keeps idle connections (and proxies) alive.
inline constexpr std::string_view kHeartbeat = ": heartbeat\n\n";

}  // namespace herald::sse
