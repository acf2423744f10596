// WebSocket message reader: messages whole and fragmented, streams cut at every byte, control frames
// between fragments, UTF-8 across fragments, every protocol error, size limits before and after
// inflating, compressed messages, close payloads, what follows a close or a failure, and memory.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "protocol/ws/deflate.hpp"
#include "protocol/ws/message_reader.hpp"

namespace herald::ws {
namespace {

// A limit that no test message reaches unless it means to.
constexpr std::size_t kMax = 1 << 20;

// First header byte of a frame: FIN, RSV1, RSV2, RSV3 and the opcode.
constexpr std::uint8_t kFin = 0x80;
constexpr std::uint8_t kRsv1 = 0x40;
constexpr std::uint8_t kRsv2 = 0x20;
constexpr std::uint8_t kRsv3 = 0x10;
constexpr std::uint8_t kCont = 0x0;
constexpr std::uint8_t kText = 0x1;
constexpr std::uint8_t kBinary = 0x2;
constexpr std::uint8_t kClose = 0x8;
constexpr std::uint8_t kPing = 0x9;
constexpr std::uint8_t kPong = 0xA;

constexpr std::array<std::uint8_t, 4> kMask{0x37, 0xfa, 0x21, 0x3d};

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

// A client frame, encoded here without frame.cpp: masked unless told otherwise.
std::string frame(std::uint8_t first, std::string_view payload, bool masked = true) {
  std::string out(1, static_cast<char>(first));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  const std::uint64_t length = payload.size();
  if (length < 126) {
    out += static_cast<char>(mask_bit | length);
  } else if (length <= 0xFFFF) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(length >> 8);
    out += static_cast<char>(length & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xFF);
  }
  if (!masked) return out + std::string(payload);
  for (std::uint8_t b : kMask) out += static_cast<char>(b);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ kMask[i & 3]);
  return out;
}

std::string text(std::string_view payload) { return frame(kFin | kText, payload); }
std::string binary(std::string_view payload) { return frame(kFin | kBinary, payload); }
std::string ping(std::string_view payload = "") { return frame(kFin | kPing, payload); }
std::string pong(std::string_view payload = "") { return frame(kFin | kPong, payload); }

std::string close_frame(int code, std::string_view reason = "") {
  return frame(kFin | kClose, bytes({code >> 8, code & 0xFF}) + std::string(reason));
}

// Raw deflate as a permessage-deflate sender makes it (without the 00 00 FF FF tail).
std::string compressed(std::string_view payload) { return deflate_message(payload); }

// An event with its views copied, to compare after the reader has moved on.
struct Seen {
  ReadEventType type = ReadEventType::message;
  Opcode opcode = Opcode::text;
  std::string payload;
  std::uint16_t code = 0;
  std::string reason;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& seen) {
  static constexpr const char* kTypes[] = {"message", "ping", "pong", "close", "failure"};
  out << kTypes[static_cast<int>(seen.type)] << "(opcode " << static_cast<int>(seen.opcode) << ", "
      << seen.payload.size() << " bytes";
  if (seen.payload.size() <= 40) out << " \"" << seen.payload << "\"";
  return out << ", code " << seen.code << ", reason \"" << seen.reason << "\")";
}

Seen message(std::string payload, Opcode opcode = Opcode::text) {
  return {ReadEventType::message, opcode, std::move(payload), 0, ""};
}
Seen pinged(std::string payload = "") {
  return {ReadEventType::ping, Opcode::ping, std::move(payload), 0, ""};
}
Seen ponged(std::string payload = "") {
  return {ReadEventType::pong, Opcode::pong, std::move(payload), 0, ""};
}
Seen closed(std::uint16_t code, std::string reason = "") {
  return {ReadEventType::close, Opcode::close, "", code, std::move(reason)};
}
Seen failed(std::uint16_t code) { return {ReadEventType::failure, Opcode::close, "", code, ""}; }

// Feeds `pieces` one after the other and returns every event. Failure reasons are checked to be
// present, then left out of the comparison.
std::vector<Seen> feed_pieces(MessageReader& reader, std::vector<std::string> pieces) {
  std::vector<Seen> seen;
  for (std::string& piece : pieces) {
    reader.feed(piece.data(), piece.size(), [&](const ReadEvent& event) {
      Seen copy{event.type, event.opcode, std::string(event.payload), event.code, std::string(event.reason)};
      if (event.type == ReadEventType::failure) {
        EXPECT_FALSE(copy.reason.empty()) << "a failure says why";
        copy.reason.clear();
      }
      seen.push_back(std::move(copy));
      return true;
    });
  }
  return seen;
}

std::vector<Seen> read(const std::string& stream, ReaderOptions options = {kMax, false}) {
  MessageReader reader(options);
  return feed_pieces(reader, {stream});
}

std::vector<Seen> read_deflate(const std::string& stream, std::size_t max = kMax) {
  return read(stream, {max, true});
}

// The stream fed in pieces cut at `cuts` (ascending positions).
std::vector<Seen> read_cut(const std::string& stream, const std::vector<std::size_t>& cuts,
                           ReaderOptions options = {kMax, false}) {
  std::vector<std::string> pieces;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    pieces.push_back(stream.substr(from, cut - from));
    from = cut;
  }
  pieces.push_back(stream.substr(from));
  MessageReader reader(options);
  std::vector<Seen> seen = feed_pieces(reader, pieces);
  EXPECT_FALSE(reader.holds_buffers()) << "every frame was complete at the end";
  return seen;
}

// ---------------------------------------------------------------------------------------------------
// Messages

TEST(WsMessageReader, ReadsTextAndBinaryMessages) {
  EXPECT_EQ(read(text("hello")), std::vector{message("hello")});
  EXPECT_EQ(read(binary(bytes({0, 1, 0xff}))), std::vector{message(bytes({0, 1, 0xff}), Opcode::binary)});
  EXPECT_EQ(read(text("")), std::vector{message("")});
  EXPECT_EQ(read(binary("")), std::vector{message("", Opcode::binary)});
}

TEST(WsMessageReader, ReadsEveryPayloadLengthForm) {
  for (std::size_t size : {125u, 126u, 65535u, 65536u, 100000u}) {
    SCOPED_TRACE(size);
    std::string payload(size, 'p');
    EXPECT_EQ(read(text(payload)), std::vector{message(payload)});
  }
}

TEST(WsMessageReader, ReadsSeveralFramesOfOneFeedInOrder) {
  EXPECT_EQ(
      read(text("a") + ping("p") + binary("b") + pong("q") + text("c")),
      (std::vector{message("a"), pinged("p"), message("b", Opcode::binary), ponged("q"), message("c")}));
}

TEST(WsMessageReader, ReassemblesFragmentedMessages) {
  EXPECT_EQ(
      read(frame(kText, "one ") + frame(kCont, "two ") + frame(kCont, "") + frame(kFin | kCont, "three")),
      std::vector{message("one two three")});
  EXPECT_EQ(read(frame(kBinary, bytes({1, 2})) + frame(kFin | kCont, bytes({3}))),
            std::vector{message(bytes({1, 2, 3}), Opcode::binary)});
  // Empty fragments make an empty message.
  EXPECT_EQ(read(frame(kText, "") + frame(kFin | kCont, "")), std::vector{message("")});
}

TEST(WsMessageReader, MessagesAfterAFragmentedOneStartAfresh) {
  EXPECT_EQ(read(frame(kText, "ab") + frame(kFin | kCont, "cd") + text("ef") + frame(kBinary, "g") +
                 frame(kFin | kCont, "h")),
            (std::vector{message("abcd"), message("ef"), message("gh", Opcode::binary)}));
}

TEST(WsMessageReader, UnmasksInPlace) {
  std::string stream = text("hello");
  MessageReader reader({kMax, false});
  reader.feed(stream.data(), stream.size(), [&](const ReadEvent& event) {
    EXPECT_EQ(event.payload, "hello");
    EXPECT_EQ(event.payload.data(), stream.data() + 6) << "a whole frame is read where it lies";
    return true;
  });
  EXPECT_EQ(stream.substr(6), "hello");
}

// ---------------------------------------------------------------------------------------------------
// Streams cut anywhere

// A stream with every kind of frame: fragments with control frames between them, a character split
// across fragments, a 16-bit length, then a close and bytes after it that must be ignored.
std::string mixed_stream() {
  return frame(kText, "h\xC3") + ping("p1") + frame(kCont, "\xA9llo ") + pong() +
         frame(kFin | kCont, "w\xC3\xB6rld") + binary(std::string(200, 'b')) + text("") + ping() +
         close_frame(1000, "bye") + frame(kFin | kText, "ignored", false);
}

std::vector<Seen> mixed_events() {
  return {pinged("p1"),
          ponged(),
          message("h\xC3\xA9llo w\xC3\xB6rld"),
          message(std::string(200, 'b'), Opcode::binary),
          message(""),
          pinged(),
          closed(1000, "bye")};
}

TEST(WsMessageReader, StreamCutAtEveryByteGivesTheSameEvents) {
  const std::string stream = mixed_stream();
  ASSERT_EQ(read(stream), mixed_events());
  for (std::size_t cut = 0; cut <= stream.size(); ++cut)
    ASSERT_EQ(read_cut(stream, {cut}), mixed_events()) << "cut at " << cut;
}

TEST(WsMessageReader, StreamCutAtEveryPairOfBytesGivesTheSameEvents) {
  const std::string stream = frame(kText, "\xE2\x82") + ping("x") + frame(kFin | kCont, "\xAC!") +
                             frame(kFin | kBinary, std::string(130, 'z')) + close_frame(1001);
  const std::vector<Seen> expected{pinged("x"), message("\xE2\x82\xAC!"),
                                   message(std::string(130, 'z'), Opcode::binary), closed(1001)};
  ASSERT_EQ(read(stream), expected);
  for (std::size_t first = 0; first <= stream.size(); ++first)
    for (std::size_t second = first; second <= stream.size(); ++second)
      ASSERT_EQ(read_cut(stream, {first, second}), expected) << "cuts at " << first << " and " << second;
}

TEST(WsMessageReader, StreamFedOneByteAtATimeGivesTheSameEvents) {
  const std::string stream = mixed_stream();
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < stream.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(read_cut(stream, cuts), mixed_events());
}

TEST(WsMessageReader, SixtyFourBitLengthCutAnywhereInTheHeaderOrPayload) {
  const std::string payload(70000, 'L');
  const std::string stream = text(payload) + text("next");
  const std::vector<Seen> expected{message(payload), message("next")};
  for (std::size_t cut = 0; cut <= 16; ++cut) ASSERT_EQ(read_cut(stream, {cut}), expected) << cut;
  for (std::size_t cut : {1000u, 65536u, 70013u, 70014u, 70015u, 70020u})
    ASSERT_EQ(read_cut(stream, {cut}), expected) << cut;
  std::vector<std::size_t> every_kilobyte;
  for (std::size_t cut = 1024; cut < stream.size(); cut += 1024) every_kilobyte.push_back(cut);
  EXPECT_EQ(read_cut(stream, every_kilobyte), expected);
}

// ---------------------------------------------------------------------------------------------------
// Control frames between fragments

TEST(WsMessageReader, ControlFramesBetweenFragmentsComeFirst) {
  EXPECT_EQ(read(frame(kText, "frag") + ping("mid") + frame(kCont, "ment") + pong("pp") +
                 ping(std::string(125, 'm')) + frame(kFin | kCont, "ed")),
            (std::vector{pinged("mid"), ponged("pp"), pinged(std::string(125, 'm')), message("fragmented")}));
}

TEST(WsMessageReader, CloseBetweenFragmentsEndsTheReaderWithoutTheMessage) {
  MessageReader reader({kMax, false});
  EXPECT_EQ(feed_pieces(reader, {frame(kText, "unfinished") + close_frame(1000) + frame(kFin | kCont, "x")}),
            std::vector{closed(1000)});
  EXPECT_TRUE(reader.ended());
  EXPECT_FALSE(reader.holds_buffers());
}

// ---------------------------------------------------------------------------------------------------
// UTF-8

TEST(WsMessageReader, CharactersSplitAcrossFragmentsAreValid) {
  // "€" is E2 82 AC; "𝄞" is F0 9D 84 9E.
  EXPECT_EQ(read(frame(kText, "\xE2") + frame(kCont, "\x82") + frame(kFin | kCont, "\xAC")),
            std::vector{message("\xE2\x82\xAC")});
  EXPECT_EQ(read(frame(kText, "a\xF0\x9D") + frame(kFin | kCont,
                                                   "\x84\x9E"
                                                   "b")),
            std::vector{message("a\xF0\x9D\x84\x9E"
                                "b")});
}

TEST(WsMessageReader, InvalidUtf8InATextMessageIs1007) {
  for (std::string bad : {"\xC3\x28", "\xFF", "\xED\xA0\x80" /* surrogate */, "\xC0\xAF" /* overlong */,
                          "\xF4\x90\x80\x80" /* over U+10FFFF */, "ends inside \xE2\x82"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(read(text("ok " + bad)), std::vector{failed(close_code::invalid_payload)});
  }
}

TEST(WsMessageReader, InvalidUtf8AcrossFragmentsIs1007) {
  // E2 82 starts a three-byte character; "(" does not continue it.
  EXPECT_EQ(read(frame(kText, "abc\xE2\x82") + frame(kFin | kCont, "(def")),
            std::vector{failed(close_code::invalid_payload)});
  // A message that ends inside a character, each fragment on its own looking fine.
  EXPECT_EQ(read(frame(kText, "abc") + frame(kFin | kCont, "\xF0\x9D\x84")),
            std::vector{failed(close_code::invalid_payload)});
  // The bad fragment only shows when the message is complete: control frames before it are reported.
  EXPECT_EQ(read(frame(kText, "\xFF") + ping("first") + frame(kFin | kCont, "x")),
            (std::vector{pinged("first"), failed(close_code::invalid_payload)}));
}

TEST(WsMessageReader, BinaryMessagesAreNotCheckedForUtf8) {
  EXPECT_EQ(read(binary("\xFF\xFE\xC3\x28")), std::vector{message("\xFF\xFE\xC3\x28", Opcode::binary)});
}

// ---------------------------------------------------------------------------------------------------
// Protocol errors (1002)

TEST(WsMessageReader, EveryProtocolErrorIs1002) {
  struct Case {
    const char* what;
    std::string stream;
    bool deflate = false;
  };
  std::vector<Case> cases{
      {"unmasked frame", frame(kFin | kText, "x", false)},
      {"unmasked control frame", frame(kFin | kPing, "", false)},
      {"RSV1 without permessage-deflate", frame(kFin | kRsv1 | kText, compressed("x"))},
      {"RSV2", frame(kFin | kRsv2 | kText, "x")},
      {"RSV2 with permessage-deflate", frame(kFin | kRsv2 | kText, "x"), true},
      {"RSV3", frame(kFin | kRsv3 | kText, "x")},
      {"RSV1 on a ping with permessage-deflate", frame(kFin | kRsv1 | kPing, ""), true},
      {"RSV1 on a close with permessage-deflate", frame(kFin | kRsv1 | kClose, ""), true},
      {"opcode 3", frame(kFin | 0x3, "x")},
      {"opcode 7", frame(kFin | 0x7, "x")},
      {"opcode 0xB", frame(kFin | 0xB, "x")},
      {"opcode 0xF", frame(kFin | 0xF, "x")},
      {"ping of 126 bytes", ping(std::string(126, 'p'))},
      {"pong of 126 bytes", pong(std::string(126, 'p'))},
      {"close of 126 bytes", frame(kFin | kClose, bytes({0x03, 0xE8}) + std::string(124, 'r'))},
      {"fragmented ping", frame(kPing, "p")},
      {"fragmented pong", frame(kPong, "p")},
      {"fragmented close", frame(kClose, bytes({0x03, 0xE8}))},
      {"continuation without a message", frame(kFin | kCont, "x")},
      {"unfinished continuation without a message", frame(kCont, "x")},
      {"RSV1 on a continuation", frame(kRsv1 | kText, "") + frame(kFin | kRsv1 | kCont, compressed("x")),
       true},
      {"text inside a fragmented message", frame(kText, "a") + text("b")},
      {"binary inside a fragmented message", frame(kText, "a") + binary("b")},
      {"new fragmented message inside one", frame(kBinary, "a") + frame(kText, "b")},
      {"64-bit length with the high bit set", bytes({0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4})},
      {"close with a 1-byte payload", frame(kFin | kClose, bytes({0x03}))},
  };
  for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    cases.push_back({"close code", close_frame(code)});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    MessageReader reader({kMax, c.deflate});
    EXPECT_EQ(feed_pieces(reader, {c.stream + text("after")}),
              std::vector{failed(close_code::protocol_error)});
    EXPECT_TRUE(reader.ended());
  }
  EXPECT_EQ(read(text("a") + frame(kFin | kCont, "b")),
            (std::vector{message("a"), failed(close_code::protocol_error)}))
      << "a continuation after a finished message";
}

// ---------------------------------------------------------------------------------------------------
// Size limits (1009)

TEST(WsMessageReader, MessagesUpToTheLimitAreRead) {
  const std::string payload(1000, 'x');
  EXPECT_EQ(read(text(payload), {1000, false}), std::vector{message(payload)});
  EXPECT_EQ(
      read(frame(kText, payload.substr(0, 600)) + frame(kFin | kCont, payload.substr(600)), {1000, false}),
      std::vector{message(payload)});
}

TEST(WsMessageReader, AFrameOverTheLimitIs1009AsSoonAsItsLengthIsKnown) {
  MessageReader reader({1000, false});
  std::string stream = text(std::string(1001, 'x'));
  EXPECT_EQ(feed_pieces(reader, {stream.substr(0, 4)}), std::vector{failed(close_code::too_big)});
  EXPECT_TRUE(reader.ended());
}

TEST(WsMessageReader, FragmentsOverTheLimitTogetherAre1009) {
  EXPECT_EQ(
      read(frame(kText, std::string(600, 'x')) + frame(kFin | kCont, std::string(401, 'x')), {1000, false}),
      std::vector{failed(close_code::too_big)});
  // Known at the fragment that crosses the limit, before the message is finished.
  EXPECT_EQ(read(frame(kText, std::string(600, 'x')) + frame(kCont, std::string(401, 'x')), {1000, false}),
            std::vector{failed(close_code::too_big)});
}

TEST(WsMessageReader, CompressedDataOverTheLimitBeforeInflatingIs1009) {
  // Random bytes grow when compressed: the compressed data alone is over the limit.
  std::mt19937 random(7);
  std::uniform_int_distribution<int> any_byte(0, 255);
  std::string noise;
  for (int i = 0; i < 1000; ++i) noise += static_cast<char>(any_byte(random));
  const std::string deflated = compressed(noise);
  ASSERT_GT(deflated.size(), 1000u);
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kBinary, deflated), 1000),
            std::vector{failed(close_code::too_big)});
  const std::size_t half = deflated.size() / 2;
  EXPECT_EQ(read_deflate(
                frame(kRsv1 | kBinary, deflated.substr(0, half)) + frame(kFin | kCont, deflated.substr(half)),
                1000),
            std::vector{failed(close_code::too_big)});
}

TEST(WsMessageReader, CompressedMessageOverTheLimitAfterInflatingIs1009) {
  const std::string bomb = compressed(std::string(100000, 'a'));
  ASSERT_LT(bomb.size(), 1000u);
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kText, bomb), 1000), std::vector{failed(close_code::too_big)});
  // Exactly the limit after inflating is fine; one byte more is not.
  const std::string payload(1000, 'a');
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kText, compressed(payload)), 1000),
            std::vector{message(payload)});
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kText, compressed(payload + "a")), 1000),
            std::vector{failed(close_code::too_big)});
}

// ---------------------------------------------------------------------------------------------------
// Compressed messages

TEST(WsMessageReader, InflatesCompressedMessages) {
  const std::string payload =
      R"({"id":1,"op":"history","channel":"news","pad":")" + std::string(3000, 'q') + "\"}";
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kText, compressed(payload))), std::vector{message(payload)});
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kBinary, compressed(bytes({0, 0xff, 0})))),
            std::vector{message(bytes({0, 0xff, 0}), Opcode::binary)});
  // RFC 7692 section 7.2.3.6: a single 00 byte is an empty message.
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kText, bytes({0x00}))), std::vector{message("")});
  // Uncompressed messages stay valid with the extension.
  EXPECT_EQ(read_deflate(text("plain")), std::vector{message("plain")});
}

TEST(WsMessageReader, InflatesFragmentedCompressedMessages) {
  const std::string payload = "a compressed message in three fragments, " + std::string(500, 'z');
  const std::string deflated = compressed(payload);
  const std::size_t third = deflated.size() / 3;
  EXPECT_EQ(read_deflate(frame(kRsv1 | kText, deflated.substr(0, third)) + ping("between") +
                         frame(kCont, deflated.substr(third, third)) +
                         frame(kFin | kCont, deflated.substr(2 * third))),
            (std::vector{pinged("between"), message(payload)}));
}

TEST(WsMessageReader, EachCompressedMessageInflatesOnItsOwn) {
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kText, compressed("first")) + text("plain") +
                         frame(kFin | kRsv1 | kText, compressed("second"))),
            (std::vector{message("first"), message("plain"), message("second")}));
}

TEST(WsMessageReader, InvalidCompressedDataIs1007) {
  // Block type 3 is reserved; a stored block whose length and complement disagree.
  for (std::string bad : {bytes({0x06}), bytes({0xff, 0xff, 0xff, 0xff}),
                          bytes({0x00, 0x05, 0x00, 0x00, 0x00, 'H', 'e', 'l', 'l', 'o'})}) {
    EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kText, bad)),
              std::vector{failed(close_code::invalid_payload)});
  }
}

TEST(WsMessageReader, InvalidUtf8AfterInflatingIs1007) {
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kText, compressed("bad \xC3\x28 text"))),
            std::vector{failed(close_code::invalid_payload)});
  EXPECT_EQ(read_deflate(frame(kFin | kRsv1 | kBinary, compressed("bad \xC3\x28 bytes"))),
            std::vector{message("bad \xC3\x28 bytes", Opcode::binary)});
}

// ---------------------------------------------------------------------------------------------------
// Close frames

TEST(WsMessageReader, ClosePayloadRules) {
  EXPECT_EQ(read(frame(kFin | kClose, "")), std::vector{closed(close_code::no_status)});
  EXPECT_EQ(read(close_frame(1000)), std::vector{closed(1000)});
  EXPECT_EQ(read(close_frame(1001, "going")), std::vector{closed(1001, "going")});
  EXPECT_EQ(read(close_frame(4999, "bye \xC3\xBC")), std::vector{closed(4999, "bye \xC3\xBC")});
  const std::string longest(123, 'r');  // a control frame carries at most 125 bytes
  EXPECT_EQ(read(close_frame(3000, longest)), std::vector{closed(3000, longest)});
  for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999})
    EXPECT_EQ(read(close_frame(code)), std::vector{closed(static_cast<std::uint16_t>(code))}) << code;
  EXPECT_EQ(read(frame(kFin | kClose, bytes({0x03}))), std::vector{failed(close_code::protocol_error)});
  EXPECT_EQ(read(close_frame(1005)), std::vector{failed(close_code::protocol_error)});
  EXPECT_EQ(read(close_frame(1000, "by\xFF\xFE")), std::vector{failed(close_code::invalid_payload)});
  EXPECT_EQ(read(close_frame(1000, "cut \xE2\x82")), std::vector{failed(close_code::invalid_payload)});
}

TEST(WsMessageReader, NothingAfterACloseIsRead) {
  MessageReader reader({kMax, false});
  EXPECT_EQ(feed_pieces(reader, {text("before") + close_frame(1000) + text("same feed") +
                                 frame(kFin | kText, "invalid", false)}),
            (std::vector{message("before"), closed(1000)}));
  EXPECT_TRUE(reader.ended());
  EXPECT_EQ(feed_pieces(reader, {text("later"), ping("later"), frame(0xFF, "garbage", false)}),
            std::vector<Seen>{});
  EXPECT_FALSE(reader.holds_buffers());
}

TEST(WsMessageReader, NothingAfterAFailureIsRead) {
  MessageReader reader({kMax, false});
  EXPECT_EQ(feed_pieces(reader, {text("before") + frame(kFin | kText, "x", false) + text("same feed")}),
            (std::vector{message("before"), failed(close_code::protocol_error)}));
  EXPECT_TRUE(reader.ended());
  EXPECT_EQ(feed_pieces(reader, {text("later"), close_frame(1000)}), std::vector<Seen>{});
}

TEST(WsMessageReader, AHandlerThatSaysStopEndsTheReader) {
  MessageReader reader({kMax, false});
  std::string stream = text("first") + text("second") + text("third").substr(0, 3);
  std::vector<std::string> seen;
  reader.feed(stream.data(), stream.size(), [&](const ReadEvent& event) {
    seen.emplace_back(event.payload);
    return false;
  });
  EXPECT_EQ(seen, std::vector<std::string>{"first"});
  EXPECT_TRUE(reader.ended());
  EXPECT_FALSE(reader.holds_buffers());
  std::string more = text("fourth");
  reader.feed(more.data(), more.size(), [&](const ReadEvent&) {
    ADD_FAILURE() << "an ended reader reports nothing";
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------
// Memory

TEST(WsMessageReader, IdleReaderHoldsNoBuffers) {
  MessageReader reader({kMax, true});
  EXPECT_FALSE(reader.holds_buffers());
  const std::string long_payload(5000, 'x');
  feed_pieces(reader, {text(long_payload), frame(kFin | kRsv1 | kText, compressed(long_payload))});
  EXPECT_FALSE(reader.holds_buffers()) << "after whole messages";

  const std::string frame_bytes = text(long_payload);
  feed_pieces(reader, {frame_bytes.substr(0, 3000)});
  EXPECT_TRUE(reader.holds_buffers()) << "the start of an incomplete frame";
  EXPECT_EQ(feed_pieces(reader, {frame_bytes.substr(3000)}), std::vector{message(long_payload)});
  EXPECT_FALSE(reader.holds_buffers()) << "after the frame was completed";

  feed_pieces(reader, {frame(kText, long_payload)});
  EXPECT_TRUE(reader.holds_buffers()) << "the fragments of an incomplete message";
  feed_pieces(reader, {ping("between")});
  EXPECT_TRUE(reader.holds_buffers()) << "still inside the fragmented message";
  EXPECT_EQ(feed_pieces(reader, {frame(kFin | kCont, "!")}), std::vector{message(long_payload + "!")});
  EXPECT_FALSE(reader.holds_buffers()) << "after the fragmented message";
}

TEST(WsMessageReader, EndedReaderHoldsNoBuffers) {
  MessageReader reader({kMax, false});
  feed_pieces(reader, {frame(kText, std::string(5000, 'x')) + ping("partial").substr(0, 4)});
  EXPECT_TRUE(reader.holds_buffers());
  EXPECT_EQ(feed_pieces(reader, {ping("partial").substr(4) + close_frame(1000) +
                                 text(std::string(5000, 'y')).substr(0, 9)}),
            (std::vector{pinged("partial"), closed(1000)}));
  EXPECT_TRUE(reader.ended());
  EXPECT_FALSE(reader.holds_buffers());
}

}  // namespace
}  // namespace herald::ws
