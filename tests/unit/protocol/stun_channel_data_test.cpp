// ChannelData messages, cutting a TCP stream into STUN and ChannelData frames, and first-byte
// demultiplexing.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/channel_data.hpp"
#include "protocol/stun/demultiplex.hpp"
#include "protocol/stun/message_codec.hpp"
#include "protocol/stun/stream_framing.hpp"
#include "protocol/stun/text_attributes.hpp"
#include "stun_test_bytes.hpp"

namespace herald::stun {
namespace {

using test::hex;

ChannelData decoded(const std::string& bytes) {
  auto result = decode_channel_data(bytes);
  if (auto* error = std::get_if<ChannelDataError>(&result)) {
    ADD_FAILURE() << describe(*error);
    return {};
  }
  return std::get<ChannelData>(result);
}

ChannelDataError error_of(const std::string& bytes) {
  auto result = decode_channel_data(bytes);
  EXPECT_TRUE(std::holds_alternative<ChannelDataError>(result));
  return std::holds_alternative<ChannelDataError>(result) ? std::get<ChannelDataError>(result)
                                                          : ChannelDataError::truncated_header;
}

std::string stun_message(std::string_view username) {
  Message message{{Method::refresh, MessageClass::request}, {}, {}};
  message.add(make_text_attribute(attribute::username, username));
  return *encode_message(message, {.integrity_key = std::nullopt, .fingerprint = true});
}

TEST(StunChannelData, EncodesPaddedAndUnpadded) {
  EXPECT_EQ(encode_channel_data(0x4000, "hello", false), hex("40 00 00 05 68 65 6c 6c 6f"));
  EXPECT_EQ(encode_channel_data(0x4fff, "hello", true), hex("4f ff 00 05 68 65 6c 6c 6f 00 00 00"));
  EXPECT_EQ(encode_channel_data(0x4001, "", true), hex("40 01 00 00"));
  EXPECT_EQ(encode_channel_data(0x4001, "abcd", true), hex("40 01 00 04 61 62 63 64"));
}

TEST(StunChannelData, DecodesWithOrWithoutPadding) {
  for (bool padded : {false, true}) {
    std::string bytes = encode_channel_data(0x4123, "hello", padded);  // the decoded data points into it
    ChannelData data = decoded(bytes);
    EXPECT_EQ(data.channel, 0x4123);
    EXPECT_EQ(data.data, "hello");
  }
  EXPECT_EQ(decoded(hex("40 00 00 05 68 65 6c 6c 6f 00")).data, "hello");  // part of the padding: allowed
  EXPECT_EQ(decoded(hex("40 00 00 00")).data, "");
}

TEST(StunChannelData, MalformedMessages) {
  EXPECT_EQ(error_of(hex("40 00 00")), ChannelDataError::truncated_header);
  EXPECT_EQ(error_of(hex("3f ff 00 00")), ChannelDataError::bad_channel_number);
  EXPECT_EQ(error_of(hex("50 00 00 00")), ChannelDataError::bad_channel_number);  // reserved since RFC 8656
  EXPECT_EQ(error_of(hex("7f ff 00 00")), ChannelDataError::bad_channel_number);
  EXPECT_EQ(error_of(hex("40 00 00 05 68 65 6c 6c")), ChannelDataError::truncated_data);
  EXPECT_EQ(error_of(hex("40 00 00 05 68 65 6c 6c 6f 00 00 00 00")), ChannelDataError::trailing_bytes);
  EXPECT_EQ(error_of(hex("40 00 00 00 00")), ChannelDataError::trailing_bytes);
  EXPECT_EQ(describe(ChannelDataError::bad_channel_number), "channel number outside the channel range");
}

TEST(StunChannelData, EncodingRefusesWhatTheCallerMustNotSend) {
  EXPECT_THROW(encode_channel_data(0x3fff, "x", false), std::invalid_argument);
  EXPECT_THROW(encode_channel_data(0x5000, "x", false), std::invalid_argument);
  EXPECT_THROW(encode_channel_data(0x4000, std::string(65536, 'x'), false), std::invalid_argument);
  EXPECT_EQ(encode_channel_data(0x4000, std::string(65535, 'x'), true).size(), 4u + 65536u);
}

TEST(StunChannelData, ChannelRange) {
  EXPECT_FALSE(is_channel_number(0x3fff));
  EXPECT_TRUE(is_channel_number(0x4000));
  EXPECT_TRUE(is_channel_number(0x4fff));
  EXPECT_FALSE(is_channel_number(0x5000));
  EXPECT_TRUE(is_channel_number(0x5000, ChannelRange::rfc5766));  // RFC 5766's range
  EXPECT_TRUE(is_channel_number(0x7fff, ChannelRange::rfc5766));
  EXPECT_FALSE(is_channel_number(0x8000, ChannelRange::rfc5766));
  EXPECT_FALSE(is_channel_number(0x3fff, ChannelRange::rfc5766));
}

TEST(StunDemultiplex, FirstByteRanges) {
  EXPECT_EQ(classify_first_byte(0x00), PacketKind::stun);
  EXPECT_EQ(classify_first_byte(0x01), PacketKind::stun);
  EXPECT_EQ(classify_first_byte(0x03), PacketKind::stun);
  EXPECT_EQ(classify_first_byte(0x04), PacketKind::other);
  EXPECT_EQ(classify_first_byte(0x16), PacketKind::other);  // a DTLS handshake
  EXPECT_EQ(classify_first_byte(0x40), PacketKind::channel_data);
  EXPECT_EQ(classify_first_byte(0x4f), PacketKind::channel_data);
  EXPECT_EQ(classify_first_byte(0x50), PacketKind::other);
  EXPECT_EQ(classify_first_byte(0x80), PacketKind::other);  // RTP
  EXPECT_EQ(classify_first_byte(0x50, ChannelRange::rfc5766), PacketKind::channel_data);
  EXPECT_EQ(classify_first_byte(0x7f, ChannelRange::rfc5766), PacketKind::channel_data);
  EXPECT_EQ(classify_first_byte(0x80, ChannelRange::rfc5766), PacketKind::other);
  EXPECT_EQ(classify_packet(stun_message("u")), PacketKind::stun);
  EXPECT_EQ(classify_packet(encode_channel_data(0x4000, "x", false)), PacketKind::channel_data);
  EXPECT_EQ(classify_packet(""), PacketKind::other);
  EXPECT_EQ(classify_packet("POST / HTTP/1.1"), PacketKind::other);
  // "GE" is 0x4745, a valid channel number: the first byte alone cannot tell HTTP from ChannelData.
  EXPECT_EQ(classify_packet("GET / HTTP/1.1"), PacketKind::channel_data);
}

TEST(StunStreamFraming, CutsAStreamOfMixedFrames) {
  std::string first = stun_message("alice");
  std::string second = encode_channel_data(0x4001, "hello", true);
  std::string third = stun_message("bob");
  std::string fourth = encode_channel_data(0x4002, "", true);
  std::string stream = first + second + third + fourth;
  std::vector<std::string> frames;
  std::string_view rest = stream;
  while (!rest.empty()) {
    StreamFrame frame = next_stream_frame(rest);
    ASSERT_EQ(frame.status, FrameStatus::complete);
    frames.emplace_back(rest.substr(0, frame.length));
    rest.remove_prefix(frame.length);
  }
  EXPECT_EQ(frames, (std::vector<std::string>{first, second, third, fourth}));
  EXPECT_EQ(next_stream_frame(first).kind, PacketKind::stun);
  EXPECT_EQ(next_stream_frame(second).kind, PacketKind::channel_data);
  EXPECT_TRUE(std::holds_alternative<Message>(decode_message(frames[2])));
  EXPECT_EQ(std::get<ChannelData>(decode_channel_data(frames[1])).data, "hello");
}

TEST(StunStreamFraming, NeedsMoreUntilTheFrameIsWhole) {
  for (const std::string& frame : {stun_message("alice"), encode_channel_data(0x4001, "hello", true)}) {
    for (std::size_t size = 0; size < frame.size(); ++size) {
      EXPECT_EQ(next_stream_frame(std::string_view(frame).substr(0, size)).status, FrameStatus::need_more)
          << size;
    }
    StreamFrame whole = next_stream_frame(frame + "trailing");
    EXPECT_EQ(whole.status, FrameStatus::complete);
    EXPECT_EQ(whole.length, frame.size());
  }
}

TEST(StunStreamFraming, ChannelDataOverTcpCountsItsPadding) {
  // 5 bytes of data, padded to 8: the frame is 12 bytes even though the length field says 5.
  std::string frame = hex("40 00 00 05 68 65 6c 6c 6f 00 00 00");
  EXPECT_EQ(next_stream_frame(frame).length, 12u);
  EXPECT_EQ(next_stream_frame(frame.substr(0, 9)).status, FrameStatus::need_more);
}

TEST(StunStreamFraming, InvalidStreams) {
  EXPECT_EQ(next_stream_frame("POST / HTTP/1.1\r\n").status, FrameStatus::invalid);
  EXPECT_EQ(next_stream_frame(hex("16 03 01 00")).status, FrameStatus::invalid);  // TLS on a plain port
  EXPECT_EQ(next_stream_frame(hex("50 00 00 04")).status, FrameStatus::invalid);
  EXPECT_EQ(next_stream_frame(hex("50 00 00 04 61 62 63 64"), ChannelRange::rfc5766).length, 8u);
  EXPECT_EQ(
      std::get<ChannelData>(decode_channel_data(hex("6d 85 00 01 61 00 00 00"), ChannelRange::rfc5766)).data,
      "a");
  EXPECT_EQ(std::get<ChannelDataError>(decode_channel_data(hex("6d 85 00 01 61 00 00 00"))),
            ChannelDataError::bad_channel_number);                                // reserved channel
  EXPECT_EQ(next_stream_frame(hex("00 01 00 05")).status, FrameStatus::invalid);  // length not multiple of 4
  std::string bad_cookie = stun_message("alice");
  bad_cookie[5] = 0;
  EXPECT_EQ(next_stream_frame(bad_cookie.substr(0, 8)).status, FrameStatus::invalid);
  // Before the cookie has arrived, a STUN start is only "need more".
  EXPECT_EQ(next_stream_frame(bad_cookie.substr(0, 7)).status, FrameStatus::need_more);
}

TEST(StunStreamFraming, TheLargestFrameFitsTheBound) {
  std::string header = hex("00 01 ff fc 21 12 a4 42") + std::string(12, '\0');
  EXPECT_EQ(next_stream_frame(header).status, FrameStatus::need_more);
  EXPECT_EQ(next_stream_frame(header + std::string(65532, '\0')).length, kMaxStreamFrameSize);
  EXPECT_LE(4u + 65536u, kMaxStreamFrameSize);  // the largest ChannelData frame
}

}  // namespace
}  // namespace herald::stun
