// SSE framing (see sse_format.hpp).
#include "transport/sse_format.hpp"

namespace herald::sse {

void append_event_body(std::string& out, std::string_view event, std::string_view data) {
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  std::size_t start = 0;
  while (true) {
    std::size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out += data.substr(start, end == std::string_view::npos ? end : end - start);
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
    if (data[end] == '\r' && start < data.size() && data[start] == '\n') ++start;
  }
  out += '\n';
}

void append_id(std::string& out, std::string_view id) {
  out += "id: ";
  out += id;
  out += '\n';
}

std::string retry_field(unsigned retry_ms) { return "retry: " + std::to_string(retry_ms) + "\n\n"; }

}  // namespace herald::sse
