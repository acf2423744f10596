// Server-Sent Events stream splitting: an event ends at a blank line ("\n\n" or "\r\n\r\n"). The decoded
// body is consumed up to the end of its last complete event; a partial event stays for the next read.
// Events are only scanned for their id field and the payload stamps; nothing else is parsed.
#pragma once

#include <cstddef>
#include <string_view>

namespace bench {

// Length of the prefix of `stream` made of complete events (0 when none is complete).
std::size_t complete_events_length(std::string_view stream);

// Whether `event` has an "id:" field (a line that starts with it).
bool has_id_field(std::string_view event);

// Calls on_event(std::string_view) for each complete event in `stream`; returns the bytes used.
template <typename OnEvent>
std::size_t for_each_sse_event(std::string_view stream, OnEvent&& on_event) {
  std::size_t used = complete_events_length(stream);
  std::size_t start = 0;
  for (std::size_t i = 1; i < used; ++i) {
    bool blank = stream[i] == '\n' &&
                 (stream[i - 1] == '\n' || (i >= 2 && stream[i - 1] == '\r' && stream[i - 2] == '\n'));
    if (!blank) continue;
    on_event(stream.substr(start, i + 1 - start));
    start = i + 1;
  }
  return used;
}

}  // namespace bench
