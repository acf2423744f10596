// SSE event boundaries (see sse_events.hpp).
#include "sse_events.hpp"

namespace bench {

std::size_t complete_events_length(std::string_view stream) {
  for (std::size_t i = stream.size(); i-- > 1;) {
    if (stream[i] != '\n') continue;
    if (stream[i - 1] == '\n') return i + 1;
    if (i >= 2 && stream[i - 1] == '\r' && stream[i - 2] == '\n') return i + 1;
  }
  return 0;
}

bool has_id_field(std::string_view event) {
  return event.starts_with("id:") || event.find("\nid:") != std::string_view::npos;
}

}  // namespace bench
