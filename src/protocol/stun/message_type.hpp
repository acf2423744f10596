// The type field of a STUN message (RFC 8489 section 5): a 12-bit method and a 2-bit class, whose bits
// are interleaved in the 14 bits after the two leading zero bits:
//   M11 M10 M9 M8 M7 C1 M6 M5 M4 C0 M3 M2 M1 M0
// The methods are those of STUN (Binding) and TURN (RFC 8656 section 17); any other 12-bit value is kept
// as it is, so that a server can answer it.
#pragma once
#include <cstdint>
#include <string_view>

namespace herald::stun {

enum class Method : std::uint16_t {
  binding = 0x001,
  allocate = 0x003,
  refresh = 0x004,
  send = 0x006,
  data = 0x007,
  create_permission = 0x008,
  channel_bind = 0x009,
};

enum class MessageClass : std::uint8_t { request = 0b00, indication = 0b01, success = 0b10, error = 0b11 };

struct MessageType {
  Method method = Method::binding;
  MessageClass message_class = MessageClass::request;

  friend bool operator==(const MessageType&, const MessageType&) = default;
};

inline constexpr std::uint16_t kMaxMethod = 0x0FFF;

// The 16-bit field (its two leading bits zero). The method is masked to 12 bits.
std::uint16_t encode_message_type(MessageType type);

// The method and class of a 16-bit field; the two leading bits are not looked at (decode_message
// rejects a message where they are set).
MessageType decode_message_type(std::uint16_t field);

// Whether `method` is one of the methods above.
bool is_known_method(Method method);

// "Binding", "Allocate", ... or "unknown".
std::string_view method_name(Method method);

}  // namespace herald::stun
