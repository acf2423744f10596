// WebSocket framing (RFC 6455 section 5), without sockets: parsing the header of a client frame (with
// every check a server must make) and encoding the header of a server frame. Server frames are never
// masked, so a message's frame bytes are the same for every connection and can be shared.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::ws {

enum class Opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Close codes herald sends (RFC 6455 section 7.4.1, plus its application code).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t unauthorized = 4001;  // an invalid token at connect, or the token expired
inline constexpr std::uint16_t slow_consumer = 4008;
// What a close frame without a code reports (RFC 6455 section 7.1.5); never sent on the wire.
inline constexpr std::uint16_t no_status = 1005;
}  // namespace close_code

struct FrameHeader {
  bool fin = true;
  bool rsv1 = false;  // "compressed" under permessage-deflate
  Opcode opcode = Opcode::text;
  std::uint64_t payload_length = 0;
  std::array<std::uint8_t, 4> mask{};
  std::size_t header_length = 0;  // bytes before the payload
};

enum class ParseStatus { need_more, complete, failed };

struct HeaderParse {
  ParseStatus status = ParseStatus::need_more;
  FrameHeader header;
  std::uint16_t close_code = 0;  // when failed
  std::string_view reason;       // when failed: a string literal, for the close frame
};

// Parses the header of a client frame at the start of `bytes`. Fails (with the close code to send) for an
// unmasked frame, reserved bits other than an allowed RSV1, unknown opcodes, invalid control frames,
// and payloads over `max_payload`.
HeaderParse parse_client_header(std::string_view bytes, bool rsv1_allowed, std::uint64_t max_payload);

// Unmasks `payload` in place; `offset` is the position of payload[0] within the frame's payload.
void unmask(char* payload, std::size_t size, const std::array<std::uint8_t, 4>& mask, std::size_t offset = 0);

// The header of an unmasked server frame carrying `payload_length` bytes.
std::string server_frame_header(Opcode opcode, std::uint64_t payload_length, bool fin = true,
                                bool rsv1 = false);

// A whole unmasked server frame.
std::string server_frame(Opcode opcode, std::string_view payload, bool rsv1 = false);

// The payload of a close frame: code (network order) and reason.
std::string close_payload(std::uint16_t code, std::string_view reason);

// Whether a client may send `code` in a close frame (RFC 6455 section 7.4).
bool is_valid_close_code(std::uint16_t code);

}  // namespace herald::ws
