// ChannelData header and padding rules.
#include "protocol/stun/channel_data.hpp"

#include <stdexcept>

#include "protocol/stun/byte_order.hpp"
#include "protocol/stun/message.hpp"

namespace herald::stun {

std::string_view describe(ChannelDataError error) {
  switch (error) {
    case ChannelDataError::truncated_header:
      return "shorter than a ChannelData header";
    case ChannelDataError::bad_channel_number:
      return "channel number outside the channel range";
    case ChannelDataError::truncated_data:
      return "ChannelData shorter than its length field";
    case ChannelDataError::trailing_bytes:
      return "bytes after the ChannelData padding";
  }
  return "malformed ChannelData";
}

std::variant<ChannelData, ChannelDataError> decode_channel_data(std::string_view bytes, ChannelRange range) {
  if (bytes.size() < kChannelDataHeaderSize) return ChannelDataError::truncated_header;
  std::uint16_t channel = read_u16(bytes.data());
  if (!is_channel_number(channel, range)) return ChannelDataError::bad_channel_number;
  std::size_t length = read_u16(bytes.data() + 2);
  std::size_t available = bytes.size() - kChannelDataHeaderSize;
  if (available < length) return ChannelDataError::truncated_data;
  if (available > padded_size(length)) return ChannelDataError::trailing_bytes;
  return ChannelData{channel, bytes.substr(kChannelDataHeaderSize, length)};
}

std::string encode_channel_data(std::uint16_t channel, std::string_view data, bool padded,
                                ChannelRange range) {
  if (!is_channel_number(channel, range))
    throw std::invalid_argument("channel number outside the channel range");
  if (data.size() > 0xFFFF) throw std::invalid_argument("ChannelData carries at most 65535 bytes");
  std::string out;
  out.reserve(kChannelDataHeaderSize + padded_size(data.size()));
  append_u16(out, channel);
  append_u16(out, static_cast<std::uint16_t>(data.size()));
  out.append(data);
  if (padded) out.append(padded_size(data.size()) - data.size(), '\0');
  return out;
}

}  // namespace herald::stun
