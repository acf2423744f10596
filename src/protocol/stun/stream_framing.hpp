// Cutting a TCP or TLS byte stream into STUN messages and ChannelData messages (RFC 8489 section 6.2.2,
// RFC 8656 section 12.5): a STUN message is 20 bytes plus its length field, a ChannelData message 4
// bytes plus its length field rounded up to a multiple of 4. Anything else on the stream makes it
// invalid: the connection is closed, since the next frame's start can no longer be found.
#pragma once
#include <cstddef>
#include <string_view>

#include "protocol/stun/demultiplex.hpp"

namespace herald::stun {

// The longest frame a stream can carry (a STUN message with 65532 bytes of attributes): what a
// connection's read buffer must be able to hold.
inline constexpr std::size_t kMaxStreamFrameSize = 20 + 65532;

enum class FrameStatus { need_more, complete, invalid };

struct StreamFrame {
  FrameStatus status = FrameStatus::need_more;
  PacketKind kind = PacketKind::other;  // stun or channel_data unless invalid
  std::size_t length = 0;               // when complete: the frame is buffer.substr(0, length)
};

// What the start of `buffer` holds: a complete frame and its length, too few bytes to tell (read more),
// or bytes that cannot start a frame (a first byte of neither kind, a STUN length that is not a multiple
// of 4 or a wrong magic cookie, a channel number outside 0x4000-0x4FFF). The frame's content is not
// checked: decode_message or decode_channel_data does that.
// `range` says which channel numbers (and so first bytes) are ChannelData.
StreamFrame next_stream_frame(std::string_view buffer, ChannelRange range = ChannelRange::rfc8656);

}  // namespace herald::stun
