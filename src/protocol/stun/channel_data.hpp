// ChannelData messages (RFC 8656 section 12.4): application data sent to or from a peer through a bound
// channel with a 4-byte header instead of a STUN Send/Data indication: channel number (0x4000-0x4FFF),
// length of the data, the data. Over TCP the message is padded to a multiple of 4 bytes; over UDP the
// padding may be there or not.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace herald::stun {

inline constexpr std::uint16_t kMinChannelNumber = 0x4000;
inline constexpr std::uint16_t kMaxChannelNumber = 0x4FFF;
inline constexpr std::size_t kChannelDataHeaderSize = 4;

// Whether a client may bind `number` (RFC 8656 section 12: 0x5000-0xFFFF are reserved).
constexpr bool is_channel_number(std::uint16_t number) {
  return number >= kMinChannelNumber && number <= kMaxChannelNumber;
}

struct ChannelData {
  std::uint16_t channel = 0;
  std::string_view data;  // within the decoded bytes
};

enum class ChannelDataError {
  truncated_header,    // fewer than 4 bytes
  bad_channel_number,  // outside 0x4000-0x4FFF
  truncated_data,      // fewer bytes than the length field says
  trailing_bytes,      // more bytes than the data and its padding
};

std::string_view describe(ChannelDataError error);

// Decodes one whole ChannelData message: a UDP datagram (with or without padding) or a frame cut by
// next_stream_frame (with padding).
std::variant<ChannelData, ChannelDataError> decode_channel_data(std::string_view bytes);

// The message's bytes; `padded` (for TCP and TLS) adds zeros up to a multiple of 4. Throws
// std::invalid_argument for a channel outside 0x4000-0x4FFF or data over 65535 bytes (the caller's
// values: a UDP datagram never has more).
std::string encode_channel_data(std::uint16_t channel, std::string_view data, bool padded);

}  // namespace herald::stun
