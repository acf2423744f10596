// WebSocket framing (see frame.hpp).
#include "protocol/ws/frame.hpp"

namespace herald::ws {
namespace {

HeaderParse failure(std::uint16_t code, std::string_view reason) {
  HeaderParse parse;
  parse.status = ParseStatus::failed;
  parse.close_code = code;
  parse.reason = reason;
  return parse;
}

bool is_known_opcode(std::uint8_t opcode) { return opcode <= 2 || (opcode >= 8 && opcode <= 10); }

}  // namespace

HeaderParse parse_client_header(std::string_view bytes, bool rsv1_allowed, std::uint64_t max_payload) {
  if (bytes.size() < 2) return {};
  const auto* b = reinterpret_cast<const std::uint8_t*>(bytes.data());
  FrameHeader header;
  header.fin = b[0] & 0x80;
  header.rsv1 = b[0] & 0x40;
  bool rsv23 = b[0] & 0x30;
  std::uint8_t opcode = b[0] & 0x0F;
  bool masked = b[1] & 0x80;
  std::uint64_t length = b[1] & 0x7F;

  if (rsv23 || (header.rsv1 && !rsv1_allowed))
    return failure(close_code::protocol_error, "reserved bits set");
  if (!is_known_opcode(opcode)) return failure(close_code::protocol_error, "unknown opcode");
  header.opcode = static_cast<Opcode>(opcode);
  bool control = opcode >= 8;
  if (control && (!header.fin || length > 125))
    return failure(close_code::protocol_error, "invalid control frame");
  if (control && header.rsv1) return failure(close_code::protocol_error, "compressed control frame");
  if (!masked) return failure(close_code::protocol_error, "client frames must be masked");

  std::size_t at = 2;
  if (length == 126 || length == 127) {
    std::size_t extra = length == 126 ? 2 : 8;
    if (bytes.size() < at + extra) return {};
    length = 0;
    for (std::size_t i = 0; i < extra; ++i) length = (length << 8) | b[at + i];
    at += extra;
    if (extra == 8 && (length >> 63) != 0)
      return failure(close_code::protocol_error, "invalid payload length");
  }
  if (length > max_payload) return failure(close_code::too_big, "message too big");
  if (bytes.size() < at + 4) return {};
  for (std::size_t i = 0; i < 4; ++i) header.mask[i] = b[at + i];
  header.payload_length = length;
  header.header_length = at + 4;
  HeaderParse parse;
  parse.status = ParseStatus::complete;
  parse.header = header;
  return parse;
}

void unmask(char* payload, std::size_t size, const std::array<std::uint8_t, 4>& mask, std::size_t offset) {
  for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(payload[i] ^ mask[(offset + i) & 3]);
}

std::string server_frame_header(Opcode opcode, std::uint64_t payload_length, bool fin, bool rsv1) {
  std::string header;
  header += static_cast<char>((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | static_cast<std::uint8_t>(opcode));
  if (payload_length < 126) {
    header += static_cast<char>(payload_length);
  } else if (payload_length <= 0xFFFF) {
    header += static_cast<char>(126);
    header += static_cast<char>(payload_length >> 8);
    header += static_cast<char>(payload_length & 0xFF);
  } else {
    header += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8)
      header += static_cast<char>((payload_length >> shift) & 0xFF);
  }
  return header;
}

std::string server_frame(Opcode opcode, std::string_view payload, bool rsv1) {
  std::string frame = server_frame_header(opcode, payload.size(), true, rsv1);
  frame += payload;
  return frame;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xFF);
  reason = reason.substr(0, 123);
  // Never cut a UTF-8 character in two: back up to the start of the one the cut falls into.
  if (reason.size() == 123)
    while (!reason.empty() && (static_cast<unsigned char>(reason.back()) & 0xC0) == 0x80)
      reason.remove_suffix(1);
  if (!reason.empty() && static_cast<unsigned char>(reason.back()) >= 0xC0) reason.remove_suffix(1);
  payload += reason;
  return payload;
}

bool is_valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  if (code < 1000 || code > 1014) return false;
  return code != 1004 && code != 1005 && code != 1006;
}

}  // namespace herald::ws
