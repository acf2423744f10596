// WebSocket framing (RFC 6455 section 5): client header parsing and its checks, unmasking, server headers,
// close codes.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/utf8.hpp"
#include "protocol/ws/frame.hpp"

namespace herald::ws {
namespace {

constexpr std::uint64_t kMax = 65536;
const std::array<std::uint8_t, 4> kRfcMask{0x37, 0xfa, 0x21, 0x3d};

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

// The header of a masked client frame whose first byte is `first` (FIN, RSV and opcode bits), using the
// shortest length encoding.
std::string masked_header(std::uint8_t first, std::uint64_t length,
                          const std::array<std::uint8_t, 4>& mask = kRfcMask) {
  std::string header(1, static_cast<char>(first));
  if (length < 126) {
    header += static_cast<char>(0x80 | length);
  } else if (length <= 0xFFFF) {
    header += static_cast<char>(0x80 | 126);
    header += static_cast<char>(length >> 8);
    header += static_cast<char>(length & 0xFF);
  } else {
    header += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) header += static_cast<char>((length >> shift) & 0xFF);
  }
  for (auto b : mask) header += static_cast<char>(b);
  return header;
}

// A whole masked client frame carrying `payload`.
std::string masked_frame(std::uint8_t first, const std::string& payload,
                         const std::array<std::uint8_t, 4>& mask = kRfcMask) {
  std::string frame = masked_header(first, payload.size(), mask);
  for (std::size_t i = 0; i < payload.size(); ++i)
    frame += static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ mask[i % 4]);
  return frame;
}

HeaderParse parse(const std::string& data, bool rsv1_allowed = false, std::uint64_t max_payload = kMax) {
  return parse_client_header(data, rsv1_allowed, max_payload);
}

void expect_complete(const HeaderParse& parse) {
  EXPECT_EQ(parse.status, ParseStatus::complete) << "close code " << parse.close_code << ": " << parse.reason;
}

void expect_failure(const HeaderParse& parse, std::uint16_t code) {
  EXPECT_EQ(parse.status, ParseStatus::failed);
  EXPECT_EQ(parse.close_code, code);
  EXPECT_FALSE(parse.reason.empty());
}

// The payload of a complete client frame, unmasked.
std::string unmasked_payload(const std::string& frame, const FrameHeader& header) {
  std::string payload = frame.substr(header.header_length, header.payload_length);
  unmask(payload.data(), payload.size(), header.mask);
  return payload;
}

TEST(WsFrame, ParsesTheRfcMaskedHelloTextFrame) {
  const std::string frame = bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  HeaderParse result = parse(frame);
  expect_complete(result);
  const FrameHeader& header = result.header;
  EXPECT_TRUE(header.fin);
  EXPECT_FALSE(header.rsv1);
  EXPECT_EQ(header.opcode, Opcode::text);
  EXPECT_EQ(header.payload_length, 5u);
  EXPECT_EQ(header.mask, kRfcMask);
  EXPECT_EQ(header.header_length, 6u);
  EXPECT_EQ(unmasked_payload(frame, header), "Hello");
}

TEST(WsFrame, ParsesTheRfcMaskedPongFrame) {
  const std::string frame = bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  HeaderParse result = parse(frame);
  expect_complete(result);
  EXPECT_EQ(result.header.opcode, Opcode::pong);
  EXPECT_EQ(unmasked_payload(frame, result.header), "Hello");
}

TEST(WsFrame, ParsesAFragmentedTextMessage) {
  const std::string first = masked_frame(0x01, "Hel");
  const std::string second = masked_frame(0x80, "lo");
  HeaderParse a = parse(first);
  HeaderParse b = parse(second);
  expect_complete(a);
  expect_complete(b);
  EXPECT_FALSE(a.header.fin);
  EXPECT_EQ(a.header.opcode, Opcode::text);
  EXPECT_TRUE(b.header.fin);
  EXPECT_EQ(b.header.opcode, Opcode::continuation);
  EXPECT_EQ(unmasked_payload(first, a.header) + unmasked_payload(second, b.header), "Hello");
}

TEST(WsFrame, HeaderIsParsedFromTheStartOfALongerBuffer) {
  const std::string frame = masked_frame(0x81, "one") + masked_frame(0x81, "two");
  HeaderParse result = parse(frame);
  expect_complete(result);
  EXPECT_EQ(result.header.payload_length, 3u);
  EXPECT_EQ(unmasked_payload(frame, result.header), "one");
}

TEST(WsFrame, SevenBitLengths) {
  for (std::uint64_t length : {0u, 1u, 124u, 125u}) {
    HeaderParse result = parse(masked_header(0x82, length));
    expect_complete(result);
    EXPECT_EQ(result.header.opcode, Opcode::binary);
    EXPECT_EQ(result.header.payload_length, length);
    EXPECT_EQ(result.header.header_length, 6u);
  }
}

TEST(WsFrame, SixteenBitLengths) {
  for (std::uint64_t length : {126u, 127u, 256u, 65535u}) {
    HeaderParse result = parse(masked_header(0x82, length));
    expect_complete(result);
    EXPECT_EQ(result.header.payload_length, length);
    EXPECT_EQ(result.header.header_length, 8u);
  }
  // RFC 6455 section 5.7: a 256-byte binary message in a single frame.
  HeaderParse rfc = parse(bytes({0x82, 0xFE, 0x01, 0x00, 1, 2, 3, 4}));
  expect_complete(rfc);
  EXPECT_EQ(rfc.header.payload_length, 256u);
  EXPECT_EQ(rfc.header.mask, (std::array<std::uint8_t, 4>{1, 2, 3, 4}));
}

TEST(WsFrame, SixtyFourBitLengths) {
  const std::uint64_t big = std::uint64_t{1} << 40;
  for (std::uint64_t length : {std::uint64_t{65536}, std::uint64_t{1} << 32, big}) {
    HeaderParse result = parse(masked_header(0x82, length), false, big);
    expect_complete(result);
    EXPECT_EQ(result.header.payload_length, length);
    EXPECT_EQ(result.header.header_length, 14u);
  }
  // RFC 6455 section 5.7: a 64 KiB binary message in a single frame.
  HeaderParse rfc = parse(bytes({0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 9, 8, 7, 6}));
  expect_complete(rfc);
  EXPECT_EQ(rfc.header.payload_length, 65536u);
  EXPECT_EQ(rfc.header.mask, (std::array<std::uint8_t, 4>{9, 8, 7, 6}));
}

TEST(WsFrame, NeedsMoreAtEveryTruncationOfTheHeader) {
  const std::uint64_t max = std::uint64_t{1} << 20;
  for (std::uint64_t length : {5u, 300u, 70000u}) {
    const std::string header = masked_header(0x81, length);
    for (std::size_t size = 0; size < header.size(); ++size) {
      HeaderParse result = parse(header.substr(0, size), false, max);
      EXPECT_EQ(result.status, ParseStatus::need_more) << "length " << length << ", " << size << " bytes";
    }
    HeaderParse whole = parse(header, false, max);
    expect_complete(whole);
    EXPECT_EQ(whole.header.header_length, header.size());
    EXPECT_EQ(whole.header.payload_length, length);
  }
}

TEST(WsFrame, HeaderIsCompleteWithoutThePayload) {
  HeaderParse result = parse(masked_header(0x81, 100));
  expect_complete(result);
  EXPECT_EQ(result.header.payload_length, 100u);
}

TEST(WsFrame, UnmaskedFramesAreAProtocolError) {
  expect_failure(parse(bytes({0x81, 0x05, 'H', 'e', 'l', 'l', 'o'})),
                 close_code::protocol_error);  // RFC example
  expect_failure(parse(bytes({0x89, 0x05, 'H', 'e', 'l', 'l', 'o'})), close_code::protocol_error);
  expect_failure(parse(bytes({0x82, 0x7E, 0x01, 0x00})), close_code::protocol_error);
  expect_failure(parse(bytes({0x81, 0x00})), close_code::protocol_error);
}

TEST(WsFrame, Rsv1IsAProtocolErrorUnlessAllowed) {
  expect_failure(parse(masked_header(0xC1, 5), false), close_code::protocol_error);
  HeaderParse allowed = parse(masked_header(0xC1, 5), true);
  expect_complete(allowed);
  EXPECT_TRUE(allowed.header.rsv1);
  EXPECT_TRUE(allowed.header.fin);
  EXPECT_EQ(allowed.header.opcode, Opcode::text);
  HeaderParse first_fragment = parse(masked_header(0x42, 5), true);
  expect_complete(first_fragment);
  EXPECT_TRUE(first_fragment.header.rsv1);
  EXPECT_FALSE(first_fragment.header.fin);
}

TEST(WsFrame, Rsv1IsNotAllowedOnControlFrames) {
  for (int opcode : {0x8, 0x9, 0xA}) {
    expect_failure(parse(masked_header(static_cast<std::uint8_t>(0xC0 | opcode), 2), true),
                   close_code::protocol_error);
  }
}

TEST(WsFrame, Rsv2AndRsv3AreAlwaysAProtocolError) {
  for (bool allowed : {false, true}) {
    expect_failure(parse(masked_header(0xA1, 5), allowed), close_code::protocol_error);  // RSV2
    expect_failure(parse(masked_header(0x91, 5), allowed), close_code::protocol_error);  // RSV3
    expect_failure(parse(masked_header(0xF1, 5), allowed), close_code::protocol_error);  // all three
  }
}

TEST(WsFrame, ReservedOpcodesAreAProtocolError) {
  for (int opcode : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
    SCOPED_TRACE(opcode);
    expect_failure(parse(masked_header(static_cast<std::uint8_t>(0x80 | opcode), 0)),
                   close_code::protocol_error);
  }
}

TEST(WsFrame, KnownOpcodesAreParsed) {
  const std::vector<std::pair<int, Opcode>> known{{0, Opcode::continuation}, {1, Opcode::text},
                                                  {2, Opcode::binary},       {8, Opcode::close},
                                                  {9, Opcode::ping},         {10, Opcode::pong}};
  for (const auto& [value, opcode] : known) {
    HeaderParse result = parse(masked_header(static_cast<std::uint8_t>(0x80 | value), 2));
    expect_complete(result);
    EXPECT_EQ(result.header.opcode, opcode);
  }
}

TEST(WsFrame, FragmentedControlFramesAreAProtocolError) {
  for (int opcode : {0x8, 0x9, 0xA}) {
    SCOPED_TRACE(opcode);
    expect_failure(parse(masked_header(static_cast<std::uint8_t>(opcode), 2)), close_code::protocol_error);
  }
}

TEST(WsFrame, ControlFramesOver125BytesAreAProtocolError) {
  for (int opcode : {0x8, 0x9, 0xA}) {
    SCOPED_TRACE(opcode);
    expect_complete(parse(masked_header(static_cast<std::uint8_t>(0x80 | opcode), 125)));
    expect_failure(parse(masked_header(static_cast<std::uint8_t>(0x80 | opcode), 126)),
                   close_code::protocol_error);
    expect_failure(parse(masked_header(static_cast<std::uint8_t>(0x80 | opcode), 65536)),
                   close_code::protocol_error);
  }
  // The 16-bit form announcing a small length is still not allowed for a control frame.
  expect_failure(parse(bytes({0x89, 0xFE, 0x00, 0x05})), close_code::protocol_error);
}

TEST(WsFrame, PayloadsOverTheMaximumAreTooBig) {
  expect_complete(parse(masked_header(0x81, 65536), false, 65536));
  expect_failure(parse(masked_header(0x81, 65537), false, 65536), close_code::too_big);
  expect_complete(parse(masked_header(0x81, 100), false, 100));
  expect_failure(parse(masked_header(0x81, 101), false, 100), close_code::too_big);
  expect_failure(parse(masked_header(0x81, 1000), false, 999), close_code::too_big);
  expect_failure(parse(masked_header(0x80, 1), false, 0), close_code::too_big);
  // Known as soon as the length is: the mask need not have arrived.
  expect_failure(parse(masked_header(0x81, 70000).substr(0, 10), false, 65536), close_code::too_big);
}

TEST(WsFrame, SixtyFourBitLengthWithTheHighBitSetIsAProtocolError) {
  expect_failure(parse(bytes({0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}), false, UINT64_MAX),
                 close_code::protocol_error);
  expect_failure(parse(bytes({0x82, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4})),
                 close_code::protocol_error);
  HeaderParse largest = parse(bytes({0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4}),
                              false, UINT64_MAX);
  expect_complete(largest);
  EXPECT_EQ(largest.header.payload_length, std::uint64_t{0x7FFFFFFFFFFFFFFF});
}

TEST(WsFrame, UnmaskIsItsOwnInverse) {
  const std::string original = "The quick brown fox jumps over the lazy dog";
  std::string text = original;
  unmask(text.data(), text.size(), kRfcMask);
  EXPECT_NE(text, original);
  EXPECT_EQ(static_cast<std::uint8_t>(text[0]), static_cast<std::uint8_t>('T' ^ 0x37));
  EXPECT_EQ(static_cast<std::uint8_t>(text[5]), static_cast<std::uint8_t>('u' ^ 0xfa));
  unmask(text.data(), text.size(), kRfcMask);
  EXPECT_EQ(text, original);
}

TEST(WsFrame, UnmaskInPiecesWithOffsetsMatchesUnmaskingAtOnce) {
  const std::string original = "0123456789abcdefghijklmnopqrstuvwxyz";
  const std::array<std::uint8_t, 4> mask{0xde, 0xad, 0xbe, 0xef};
  std::string whole = original;
  unmask(whole.data(), whole.size(), mask);
  for (std::size_t cut1 = 0; cut1 <= original.size(); ++cut1) {
    for (std::size_t cut2 = cut1; cut2 <= original.size(); cut2 += 3) {
      std::string pieces = original;
      unmask(pieces.data(), cut1, mask, 0);
      unmask(pieces.data() + cut1, cut2 - cut1, mask, cut1);
      unmask(pieces.data() + cut2, pieces.size() - cut2, mask, cut2);
      ASSERT_EQ(pieces, whole) << "cuts at " << cut1 << " and " << cut2;
    }
  }
}

TEST(WsFrame, UnmaskOffsetsAreTakenModuloFour) {
  std::string a = "abcdef";
  std::string b = "abcdef";
  unmask(a.data(), a.size(), kRfcMask, 1);
  unmask(b.data(), b.size(), kRfcMask, 5);
  EXPECT_EQ(a, b);
  EXPECT_EQ(static_cast<std::uint8_t>(a[0]), static_cast<std::uint8_t>('a' ^ 0xfa));
}

TEST(WsFrame, ServerFrameHeaderLengths) {
  EXPECT_EQ(server_frame_header(Opcode::text, 0), bytes({0x81, 0x00}));
  EXPECT_EQ(server_frame_header(Opcode::text, 125), bytes({0x81, 0x7D}));
  EXPECT_EQ(server_frame_header(Opcode::text, 126), bytes({0x81, 0x7E, 0x00, 0x7E}));
  EXPECT_EQ(server_frame_header(Opcode::text, 256), bytes({0x81, 0x7E, 0x01, 0x00}));
  EXPECT_EQ(server_frame_header(Opcode::text, 65535), bytes({0x81, 0x7E, 0xFF, 0xFF}));
  EXPECT_EQ(server_frame_header(Opcode::text, 65536), bytes({0x81, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(server_frame_header(Opcode::binary, 0x0102030405ULL),
            bytes({0x82, 0x7F, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05}));
}

TEST(WsFrame, ServerFrameHeaderBits) {
  EXPECT_EQ(server_frame_header(Opcode::text, 5, false), bytes({0x01, 0x05}));
  EXPECT_EQ(server_frame_header(Opcode::text, 5, true, true), bytes({0xC1, 0x05}));
  EXPECT_EQ(server_frame_header(Opcode::text, 5, false, true), bytes({0x41, 0x05}));
  EXPECT_EQ(server_frame_header(Opcode::continuation, 5, true), bytes({0x80, 0x05}));
  EXPECT_EQ(server_frame_header(Opcode::continuation, 200, false), bytes({0x00, 0x7E, 0x00, 0xC8}));
  EXPECT_EQ(server_frame_header(Opcode::close, 2), bytes({0x88, 0x02}));
  EXPECT_EQ(server_frame_header(Opcode::ping, 0), bytes({0x89, 0x00}));
  EXPECT_EQ(server_frame_header(Opcode::pong, 125), bytes({0x8A, 0x7D}));
  EXPECT_EQ(server_frame_header(Opcode::text, 65536, true, true),
            bytes({0xC1, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}));
}

TEST(WsFrame, ServerFrameIsTheRfcUnmaskedHello) {
  EXPECT_EQ(server_frame(Opcode::text, "Hello"), bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  EXPECT_EQ(server_frame(Opcode::pong, "Hello"), bytes({0x8A, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  EXPECT_EQ(server_frame(Opcode::text, "", true), bytes({0xC1, 0x00}));
  const std::string payload(300, 'x');
  EXPECT_EQ(server_frame(Opcode::binary, payload), bytes({0x82, 0x7E, 0x01, 0x2C}) + payload);
}

TEST(WsFrame, ClosePayloadIsTheCodeInNetworkOrderThenTheReason) {
  EXPECT_EQ(close_payload(1000, ""), bytes({0x03, 0xE8}));
  EXPECT_EQ(close_payload(close_code::going_away, "server shutting down"),
            bytes({0x03, 0xE9}) + "server shutting down");
  EXPECT_EQ(close_payload(close_code::slow_consumer, "slow consumer"), bytes({0x0F, 0xA8}) + "slow consumer");
  EXPECT_EQ(close_payload(close_code::protocol_error, "x"), bytes({0x03, 0xEA, 'x'}));
  EXPECT_EQ(close_payload(65535, ""), bytes({0xFF, 0xFF}));
}

TEST(WsFrame, ClosePayloadFitsInAControlFrame) {
  const std::string reason(200, 'r');
  std::string payload = close_payload(close_code::policy_violation, reason);
  ASSERT_EQ(payload.size(), 125u);
  EXPECT_EQ(payload.substr(0, 2), bytes({0x03, 0xF0}));
  EXPECT_EQ(payload.substr(2), reason.substr(0, 123));
  EXPECT_EQ(close_payload(close_code::normal, std::string(123, 'r')).size(), 125u);
}

// A close reason must be UTF-8 (RFC 6455 section 5.5.1); cutting it to 123 bytes must not split a character,
// or the peer fails the connection with 1007.
TEST(WsFrame, ClosePayloadTruncationKeepsTheReasonValidUtf8) {
  std::string reason;
  for (int i = 0; i < 62; ++i) reason += "\xC3\xA9";  // "é", 124 bytes in all
  std::string payload = close_payload(close_code::normal, reason);
  EXPECT_LE(payload.size(), 125u);
  EXPECT_GE(payload.size(), 124u);  // 61 whole characters fit
  EXPECT_TRUE(is_valid_utf8(std::string_view(payload).substr(2)));
}

// What RFC 6455 section 7.4 allows a client to send: the codes it defines except those that must not be
// sent (1004 reserved, 1005 and 1006 never on the wire), the codes IANA registered since (1012-1014; 1015
// must not be sent either), and the ranges for libraries, frameworks and applications (3000-4999).
bool rfc_allows(int code) {
  if (code >= 3000 && code <= 4999) return true;
  switch (code) {
    case 1000:
    case 1001:
    case 1002:
    case 1003:
    case 1007:
    case 1008:
    case 1009:
    case 1010:
    case 1011:
    case 1012:
    case 1013:
    case 1014:
      return true;
    default:
      return false;
  }
}

TEST(WsFrame, ValidCloseCodesFollowTheRfcOverTheWholeRange) {
  for (int code = 0; code <= 5000; ++code)
    EXPECT_EQ(is_valid_close_code(static_cast<std::uint16_t>(code)), rfc_allows(code)) << "code " << code;
  EXPECT_FALSE(is_valid_close_code(65535));
  EXPECT_FALSE(is_valid_close_code(5001));
}

TEST(WsFrame, CloseCodesHeraldSendsAreValid) {
  for (std::uint16_t code :
       {close_code::normal, close_code::going_away, close_code::protocol_error, close_code::unsupported_data,
        close_code::invalid_payload, close_code::policy_violation, close_code::too_big,
        close_code::internal_error, close_code::slow_consumer})
    EXPECT_TRUE(is_valid_close_code(code)) << code;
}

}  // namespace
}  // namespace herald::ws
