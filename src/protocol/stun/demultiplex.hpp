// Telling STUN from ChannelData from anything else on one port by the first byte (RFC 7983 section 7,
// with RFC 8656's channel range): 0-3 is STUN (the two leading zero bits and the methods in use), 64-79
// is ChannelData (channels 0x4000-0x4FFF); 20-63 would be DTLS and 128-191 RTP, which a TURN server
// does not take on its own port.
#pragma once
#include <cstdint>
#include <string_view>

#include "protocol/stun/channel_data.hpp"

namespace herald::stun {

enum class PacketKind { stun, channel_data, other };

// With ChannelRange::rfc5766, 64-127 is ChannelData.
PacketKind classify_first_byte(std::uint8_t first, ChannelRange range = ChannelRange::rfc8656);

// The kind of a datagram or of the next frame of a stream; `other` when empty.
PacketKind classify_packet(std::string_view bytes, ChannelRange range = ChannelRange::rfc8656);

}  // namespace herald::stun
