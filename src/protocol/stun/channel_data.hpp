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

inline constexpr std::uint16_t kMaxRfc5766ChannelNumber = 0x7FFF;

// Which channel numbers count. RFC 8656 section 12 allows 0x4000-0x4FFF (0x5000-0xFFFF are reserved, so
// that the first byte tells ChannelData from other protocols multiplexed with it, RFC 7983). RFC 5766, which
// it replaced, allowed 0x4000-0x7FFF, and clients written for it still choose from that range; a TURN server
// may accept it on its own port, where nothing but STUN and ChannelData arrives.
enum class ChannelRange { rfc8656, rfc5766 };

// Whether a client may bind `number`.
constexpr bool is_channel_number(std::uint16_t number, ChannelRange range = ChannelRange::rfc8656) {
  std::uint16_t last = range == ChannelRange::rfc8656 ? kMaxChannelNumber : kMaxRfc5766ChannelNumber;
  return number >= kMinChannelNumber && number <= last;
}

struct ChannelData {
  std::uint16_t channel = 0;
  std::string_view data;  // within the decoded bytes
};

enum class ChannelDataError {
  truncated_header,    // fewer than 4 bytes
  bad_channel_number,  // outside 0x4000-0x4FFF (or 0x7FFF, per the range)
  truncated_data,      // fewer bytes than the length field says
  trailing_bytes,      // more bytes than the data and its padding
};

std::string_view describe(ChannelDataError error);

// Decodes one whole ChannelData message: a UDP datagram (with or without padding) or a frame cut by
// next_stream_frame (with padding).
std::variant<ChannelData, ChannelDataError> decode_channel_data(std::string_view bytes,
                                                                ChannelRange range = ChannelRange::rfc8656);

// The message's bytes; `padded` (for TCP and TLS) adds zeros up to a multiple of 4. Throws
// std::invalid_argument for a channel outside the range or data over 65535 bytes (the caller's values: a UDP
// datagram never has more).
std::string encode_channel_data(std::uint16_t channel, std::string_view data, bool padded,
                                ChannelRange range = ChannelRange::rfc8656);

}  // namespace herald::stun
