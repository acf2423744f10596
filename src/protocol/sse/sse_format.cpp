// SSE framing (see sse_format.hpp).
#include "protocol/sse/sse_format.hpp"

#include <algorithm>

namespace herald::sse {

namespace {

// Finds line breaks with memchr (vectorized) for \n and for \r, remembering each next position so
// that long data with many lines is still scanned once.
class LineBreaks {
 public:
  explicit LineBreaks(std::string_view data) : data_(data) {}

  // The next \r or \n at or after `from`, or npos.
  std::size_t next(std::size_t from) {
    if (next_lf_ != std::string_view::npos && next_lf_ < from) next_lf_ = data_.find('\n', from);
    if (next_cr_ != std::string_view::npos && next_cr_ < from) next_cr_ = data_.find('\r', from);
    return std::min(next_lf_, next_cr_);
  }

 private:
  std::string_view data_;
  std::size_t next_lf_ = data_.find('\n');
  std::size_t next_cr_ = data_.find('\r');
};

}  // namespace

void append_event_body(std::string& out, std::string_view event, std::string_view data) {
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  LineBreaks breaks(data);
  std::size_t start = 0;
  while (true) {
    std::size_t end = breaks.next(start);
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
