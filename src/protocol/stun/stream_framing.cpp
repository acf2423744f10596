// The frame length from the first bytes of each kind of frame.
#include "protocol/stun/stream_framing.hpp"

#include "protocol/stun/byte_order.hpp"
#include "protocol/stun/channel_data.hpp"
#include "protocol/stun/message.hpp"

namespace herald::stun {
namespace {

constexpr std::size_t kCookieEnd = 8;

StreamFrame stun_frame(std::string_view buffer) {
  if (buffer.size() < 4) return {FrameStatus::need_more, PacketKind::stun, 0};
  std::size_t length = read_u16(buffer.data() + 2);
  if (length % 4 != 0) return {FrameStatus::invalid, PacketKind::stun, 0};
  if (buffer.size() >= kCookieEnd && read_u32(buffer.data() + 4) != kMagicCookie) {
    return {FrameStatus::invalid, PacketKind::stun, 0};
  }
  std::size_t total = kHeaderSize + length;
  if (buffer.size() < total) return {FrameStatus::need_more, PacketKind::stun, 0};
  return {FrameStatus::complete, PacketKind::stun, total};
}

StreamFrame channel_data_frame(std::string_view buffer, ChannelRange range) {
  if (buffer.size() < kChannelDataHeaderSize) return {FrameStatus::need_more, PacketKind::channel_data, 0};
  if (!is_channel_number(read_u16(buffer.data()), range))
    return {FrameStatus::invalid, PacketKind::channel_data, 0};
  std::size_t total = kChannelDataHeaderSize + padded_size(read_u16(buffer.data() + 2));
  if (buffer.size() < total) return {FrameStatus::need_more, PacketKind::channel_data, 0};
  return {FrameStatus::complete, PacketKind::channel_data, total};
}

}  // namespace

StreamFrame next_stream_frame(std::string_view buffer, ChannelRange range) {
  if (buffer.empty()) return {FrameStatus::need_more, PacketKind::other, 0};
  switch (classify_packet(buffer, range)) {
    case PacketKind::stun:
      return stun_frame(buffer);
    case PacketKind::channel_data:
      return channel_data_frame(buffer, range);
    case PacketKind::other:
      break;
  }
  return {FrameStatus::invalid, PacketKind::other, 0};
}

}  // namespace herald::stun
