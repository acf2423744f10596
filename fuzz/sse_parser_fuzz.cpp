// Fuzz target: the incremental SSE parser of `herald subscribe`. The input is fed whole and again in
// pieces whose sizes come from the input itself: both must dispatch the same events.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/sse/sse_parser.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

struct Run {
  std::vector<herald::sse::Event> events;
  std::string last_event_id;
  std::optional<unsigned> retry_ms;
};

bool same(const herald::sse::Event& a, const herald::sse::Event& b) {
  return a.id == b.id && a.event == b.event && a.data == b.data;
}

// Feeds `text` in pieces of 1 to `piece` bytes (0: all at once).
Run parse(std::string_view text, std::size_t piece) {
  Run run;
  herald::sse::Parser parser([&run](const herald::sse::Event& event) { run.events.push_back(event); });
  if (piece == 0) {
    parser.feed(text);
  } else {
    for (std::size_t at = 0; at < text.size(); at += piece) parser.feed(text.substr(at, piece));
  }
  run.last_event_id = parser.last_event_id();
  run.retry_ms = parser.retry_ms();
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t piece = data[0] % 8 + 1;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  Run whole = parse(text, 0);
  Run pieces = parse(text, piece);
  require(whole.events.size() == pieces.events.size());
  for (std::size_t i = 0; i < whole.events.size(); ++i) require(same(whole.events[i], pieces.events[i]));
  require(whole.last_event_id == pieces.last_event_id);
  require(whole.retry_ms == pieces.retry_ms);
  return 0;
}
