// Interleaving of method and class bits in the STUN message type (RFC 8489 section 5, figure 3).
#include "protocol/stun/message_type.hpp"

namespace herald::stun {

std::uint16_t encode_message_type(MessageType type) {
  auto method = static_cast<std::uint16_t>(static_cast<std::uint16_t>(type.method) & kMaxMethod);
  auto cls = static_cast<std::uint16_t>(type.message_class);
  return static_cast<std::uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) |
                                    ((cls & 0b01) << 4) | ((cls & 0b10) << 7));
}

MessageType decode_message_type(std::uint16_t field) {
  auto method =
      static_cast<std::uint16_t>((field & 0x000F) | ((field >> 1) & 0x0070) | ((field >> 2) & 0x0F80));
  auto cls = static_cast<std::uint8_t>(((field >> 4) & 0b01) | ((field >> 7) & 0b10));
  return {static_cast<Method>(method), static_cast<MessageClass>(cls)};
}

bool is_known_method(Method method) { return method_name(method) != "unknown"; }

std::string_view method_name(Method method) {
  switch (method) {
    case Method::binding:
      return "Binding";
    case Method::allocate:
      return "Allocate";
    case Method::refresh:
      return "Refresh";
    case Method::send:
      return "Send";
    case Method::data:
      return "Data";
    case Method::create_permission:
      return "CreatePermission";
    case Method::channel_bind:
      return "ChannelBind";
  }
  return "unknown";
}

}  // namespace herald::stun
