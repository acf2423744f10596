// Fuzz target: a client's WebSocket byte stream through the frame header parser and the MessageReader
// (reassembly, unmasking, UTF-8 checks, permessage-deflate on or off). The first input byte picks the
// options and a piece size; the stream is read whole and again cut into pieces, and both reads must
// report the same events (the reader keeps incomplete frames between feeds).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.hpp"
#include "protocol/ws/frame.hpp"
#include "protocol/ws/message_reader.hpp"

namespace {

using herald::ws::ReadEvent;
using herald::ws::ReadEventType;

void require(bool condition) {
  if (!condition) std::abort();
}

struct Seen {
  ReadEventType type;
  herald::ws::Opcode opcode;
  std::string payload;
  std::uint16_t code;
  std::string reason;
  bool operator==(const Seen&) const = default;
};

Seen seen(const ReadEvent& event) {
  return {event.type, event.opcode, std::string(event.payload), event.code, std::string(event.reason)};
}

// What a reader with `options` reports for `stream` fed in pieces of `piece` bytes (0: all at once).
std::vector<Seen> read(std::string stream, herald::ws::ReaderOptions options, std::size_t piece) {
  herald::ws::MessageReader reader(options);
  std::vector<Seen> events;
  auto on_event = [&](const ReadEvent& event) {
    if (event.type == ReadEventType::message) {
      require(event.payload.size() <= options.max_message_bytes);
      if (event.opcode == herald::ws::Opcode::text) require(herald::is_valid_utf8(event.payload));
    }
    events.push_back(seen(event));
    return true;
  };
  std::size_t step = piece == 0 ? stream.size() : piece;
  for (std::size_t at = 0; at < stream.size(); at += step)
    reader.feed(stream.data() + at, std::min(step, stream.size() - at), on_event);
  return events;
}

void check_header(std::string_view bytes, bool rsv1_allowed) {
  auto parse = herald::ws::parse_client_header(bytes, rsv1_allowed, 1 << 20);
  if (parse.status == herald::ws::ParseStatus::complete) {
    require(parse.header.header_length <= bytes.size());
    require(parse.header.payload_length <= (1 << 20));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  herald::ws::ReaderOptions options;
  options.deflate = (data[0] & 1) != 0;
  options.max_message_bytes = (data[0] & 2) != 0 ? 64 : 65536;
  std::size_t piece = (data[0] >> 2) % 16 + 1;
  std::string stream(reinterpret_cast<const char*>(data + 1), size - 1);
  check_header(stream, options.deflate);
  std::vector<Seen> whole = read(stream, options, 0);
  std::vector<Seen> pieces = read(stream, options, piece);
  require(whole == pieces);
  return 0;
}
