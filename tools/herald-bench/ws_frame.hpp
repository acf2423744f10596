// WebSocket framing for a client (RFC 6455): masked client frames, and server frames decoded in place
// from a RecvBuffer (7/16/64-bit lengths, fragmented messages reassembled in the buffer's body region,
// control frames reported separately). Also the random Sec-WebSocket-Key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http_response.hpp"
#include "recv_buffer.hpp"

namespace bench {

namespace ws_opcode {
constexpr int continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10;
}

// Appends one masked frame (FIN set) to `out`.
void append_client_frame(std::string& out, int opcode, std::string_view payload, std::uint32_t mask);

// 24 base64 characters for 16 random bytes taken from `random`.
std::string websocket_key(std::uint64_t random_a, std::uint64_t random_b);

struct WsEvent {
  int opcode = 0;  // text/binary for a complete message, else the control opcode
  std::string_view payload;
};

class WsFrameDecoder {
 public:
  // done: `event` holds the next message or control frame; call release() once it has been handled.
  ParseStatus next(RecvBuffer& buf, WsEvent& event);
  void release(RecvBuffer& buf);

 private:
  int message_opcode_ = 0;  // opcode of the fragmented message being reassembled
  std::size_t release_raw_ = 0;
  std::size_t release_body_ = 0;
};

}  // namespace bench
