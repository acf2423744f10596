// First-byte ranges of RFC 7983.
#include "protocol/stun/demultiplex.hpp"

namespace herald::stun {

PacketKind classify_first_byte(std::uint8_t first, ChannelRange range) {
  if (first <= 3) return PacketKind::stun;
  if (first >= 64 && first <= (range == ChannelRange::rfc8656 ? 79 : 127)) return PacketKind::channel_data;
  return PacketKind::other;
}

PacketKind classify_packet(std::string_view bytes, ChannelRange range) {
  if (bytes.empty()) return PacketKind::other;
  return classify_first_byte(static_cast<std::uint8_t>(bytes[0]), range);
}

}  // namespace herald::stun
