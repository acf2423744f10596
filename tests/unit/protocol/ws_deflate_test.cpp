// permessage-deflate: round trips, RFC 7692 examples, corrupt input and bombs; a message's plain and
// compressed frames.
#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <latch>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "protocol/encoded_message.hpp"
#include "protocol/ws/deflate.hpp"
#include "protocol/ws/frame.hpp"

namespace herald::ws {
namespace {
namespace json = boost::json;

constexpr std::size_t kUnlimited = std::size_t{1} << 30;

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

std::string inflated(std::string_view compressed, std::size_t max_size = kUnlimited) {
  std::string out;
  InflateStatus status = inflate_message(compressed, max_size, out);
  EXPECT_EQ(status, InflateStatus::ok);
  return out;
}

bool ends_with_sync_tail(const std::string& data) {
  return data.size() >= 4 && data.ends_with(std::string_view("\x00\x00\xff\xff", 4));
}

void expect_round_trip(const std::string& payload) {
  std::string compressed = deflate_message(payload);
  EXPECT_FALSE(ends_with_sync_tail(compressed));
  EXPECT_EQ(inflated(compressed), payload);
}

// Text that does not compress much (random letters and digits), usable inside a JSON string.
std::string random_text(std::size_t size, std::uint32_t seed) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string text(size, ' ');
  for (auto& c : text) c = kAlphabet[pick(random)];
  return text;
}

TEST(WsDeflate, RoundTripsSmallPayloads) {
  expect_round_trip("Hello");
  expect_round_trip("x");
  expect_round_trip(R"({"op":"message","channel":"room","data":{"a":1}})");
  expect_round_trip(std::string("\x00\x01\xff\x00", 4));
}

TEST(WsDeflate, RoundTripsTheEmptyPayload) {
  std::string compressed = deflate_message("");
  EXPECT_FALSE(compressed.empty());
  EXPECT_FALSE(ends_with_sync_tail(compressed));
  std::string out = "left over";
  EXPECT_EQ(inflate_message(compressed, 100, out), InflateStatus::ok);
  EXPECT_EQ(out, "");
  // RFC 7692 section 7.2.3.6: a single 0x00 byte is an empty message.
  EXPECT_EQ(inflated(bytes({0x00})), "");
}

TEST(WsDeflate, RoundTripsALargeIncompressiblePayload) {
  const std::string payload = random_text(200 * 1024, 7);
  std::string compressed = deflate_message(payload);
  EXPECT_FALSE(ends_with_sync_tail(compressed));
  EXPECT_EQ(inflated(compressed), payload);
}

TEST(WsDeflate, HighlyCompressiblePayloadShrinks) {
  std::string payload;
  while (payload.size() < 200 * 1024) payload += R"({"channel":"room","data":{"price":101.5}},)";
  std::string compressed = deflate_message(payload);
  EXPECT_LT(compressed.size(), payload.size() / 50);
  EXPECT_FALSE(ends_with_sync_tail(compressed));
  EXPECT_EQ(inflated(compressed), payload);
}

TEST(WsDeflate, PayloadEndingInTheSyncTailBytesRoundTrips) {
  expect_round_trip(std::string("\x00\x00\xff\xff", 4));
  expect_round_trip(random_text(1000, 3) + std::string("\x00\x00\xff\xff", 4));
}

TEST(WsDeflate, CompressesTheRfcHelloExample) {
  // RFC 7692 section 7.2.3.1.
  const std::string expected = bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
  EXPECT_EQ(deflate_message("Hello"), expected);
  EXPECT_EQ(inflated(expected), "Hello");
}

TEST(WsDeflate, InflatesTheRfcStoredBlockExample) {
  // RFC 7692 section 7.2.3.3: "Hello" in a non-compressed block.
  EXPECT_EQ(inflated(bytes({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00})), "Hello");
}

TEST(WsDeflate, InflatesAFinalBlock) {
  // RFC 7692 section 7.2.3.4: BFINAL set, then nothing may follow.
  EXPECT_EQ(inflated(bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00})), "Hello");
}

TEST(WsDeflate, EachMessageIsIndependent) {
  // No context takeover: the same input compresses to the same bytes every time.
  const std::string payload = random_text(5000, 11);
  EXPECT_EQ(deflate_message(payload), deflate_message(payload));
  std::string first = deflate_message("abcabcabcabc");
  deflate_message(random_text(70000, 5));
  EXPECT_EQ(deflate_message("abcabcabcabc"), first);
  EXPECT_EQ(inflated(first), "abcabcabcabc");
}

TEST(WsDeflate, CorruptDataIsCorrupt) {
  std::string out;
  // Block type 3 is reserved.
  EXPECT_EQ(inflate_message(bytes({0x06}), kUnlimited, out), InflateStatus::corrupt);
  EXPECT_EQ(inflate_message(bytes({0xff, 0xff, 0xff, 0xff}), kUnlimited, out), InflateStatus::corrupt);
  // A stored block whose length and its complement disagree.
  EXPECT_EQ(inflate_message(bytes({0x00, 0x05, 0x00, 0x00, 0x00, 'H', 'e', 'l', 'l', 'o'}), kUnlimited, out),
            InflateStatus::corrupt);
}

// The second of two messages compressed with context takeover (which herald does not negotiate): it refers
// back to the first one.
std::string message_needing_context(const std::string& first, const std::string& second) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(4096, '\0');
  auto compress = [&](const std::string& text) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_SYNC_FLUSH), Z_OK);
    std::string chunk = out.substr(0, out.size() - z.avail_out);
    EXPECT_TRUE(ends_with_sync_tail(chunk));
    chunk.resize(chunk.size() - 4);
    return chunk;
  };
  compress(first);
  std::string chunk = compress(second);
  deflateEnd(&z);
  return chunk;
}

TEST(WsDeflate, BackReferenceToAPreviousMessageIsCorrupt) {
  const std::string text = "a sentence long enough to be found again by the compressor";
  std::string chunk = message_needing_context(text, text);
  ASSERT_LT(chunk.size(), text.size() / 2) << "the second copy should be a back reference";
  std::string out;
  EXPECT_EQ(inflate_message(chunk, kUnlimited, out), InflateStatus::corrupt) << "out: " << out;
}

TEST(WsDeflate, InflaterRecoversAfterCorruptData) {
  std::string out;
  EXPECT_EQ(inflate_message(bytes({0x06}), kUnlimited, out), InflateStatus::corrupt);
  EXPECT_EQ(inflated(deflate_message("after the error")), "after the error");
}

TEST(WsDeflate, CompressedBombOverTheLimitIsTooBig) {
  const std::string bomb = deflate_message(std::string(20 * 1024 * 1024, 'a'));
  ASSERT_LT(bomb.size(), 65536u);
  std::string out;
  EXPECT_EQ(inflate_message(bomb, 65536, out), InflateStatus::too_big);
  EXPECT_LT(out.size(), 65536u + 64 * 1024) << "stops soon after the limit";
  // Still usable afterwards.
  EXPECT_EQ(inflated(deflate_message("small")), "small");
}

TEST(WsDeflate, LimitIsInclusive) {
  const std::string payload(65536, 'z');
  std::string compressed = deflate_message(payload);
  std::string out;
  EXPECT_EQ(inflate_message(compressed, 65536, out), InflateStatus::ok);
  EXPECT_EQ(out, payload);
  EXPECT_EQ(inflate_message(compressed, 65535, out), InflateStatus::too_big);
}

// Inflates raw deflate data (without the sync tail) with a window of `window_bits`, one output byte per
// call, so that every back reference must be served from the window: with one big output buffer zlib
// would serve any distance from the buffer itself. Nothing when the data needs a larger window.
std::optional<std::string> inflate_with_window(std::string_view compressed, int window_bits) {
  z_stream z{};
  if (inflateInit2(&z, -window_bits) != Z_OK) return std::nullopt;
  std::string input(compressed);
  input += std::string_view("\x00\x00\xff\xff", 4);
  z.next_in = reinterpret_cast<Bytef*>(input.data());
  z.avail_in = static_cast<uInt>(input.size());
  std::string out;
  bool ok = false;
  // One step per output byte, plus the steps that only read: far fewer than this.
  const std::size_t max_steps = 64 * (input.size() + 1) + (std::size_t{1} << 22);
  for (std::size_t step = 0; step < max_steps; ++step) {
    char byte = 0;
    z.next_out = reinterpret_cast<Bytef*>(&byte);
    z.avail_out = 1;
    int status = inflate(&z, Z_SYNC_FLUSH);
    bool produced = z.avail_out == 0;
    if (produced) out += byte;
    if (status == Z_STREAM_END || (status == Z_BUF_ERROR && !produced && z.avail_in == 0)) {
      ok = true;
      break;
    }
    if (status != Z_OK && status != Z_BUF_ERROR) break;
  }
  inflateEnd(&z);
  if (!ok) return std::nullopt;
  return out;
}

// Text with a repeat at a distance just over 2^(N-1) bytes for every window size N: compressed with an
// N-bit window it has back references that an (N-1)-bit window cannot serve.
std::string far_repeats() {
  std::string text;
  for (int bits = kMinWindowBits; bits <= kMaxWindowBits; ++bits) {
    std::size_t distance = (std::size_t{1} << (bits - 1)) + (std::size_t{1} << (bits - 3));
    std::string block = random_text(distance, static_cast<std::uint32_t>(bits));
    text += block;
    text += block;
  }
  return text;
}

TEST(WsDeflateWindow, EveryWindowSizeInflatesWithAWindowOfThatSize) {
  const std::string payload = far_repeats();
  for (int bits = kMinWindowBits; bits <= kMaxWindowBits; ++bits) {
    SCOPED_TRACE(bits);
    std::string compressed = deflate_message(payload, bits);
    EXPECT_FALSE(ends_with_sync_tail(compressed));
    EXPECT_EQ(inflate_with_window(compressed, bits), payload);
    EXPECT_EQ(inflated(compressed), payload) << "herald's own inflater takes every window";
  }
}

TEST(WsDeflateWindow, EveryWindowSizeUsesItsWholeWindow) {
  const std::string payload = far_repeats();
  for (int bits = kMinWindowBits + 1; bits <= kMaxWindowBits; ++bits) {
    SCOPED_TRACE(bits);
    EXPECT_EQ(inflate_with_window(deflate_message(payload, bits), bits - 1), std::nullopt)
        << "an " << bits << "-bit stream needs more than a " << bits - 1 << "-bit window";
  }
  EXPECT_LT(deflate_message(payload, 15).size(), deflate_message(payload, 9).size());
}

TEST(WsDeflateWindow, TheDefaultWindowIsTheLargest) {
  const std::string payload = far_repeats();
  EXPECT_EQ(deflate_message(payload), deflate_message(payload, kMaxWindowBits));
}

TEST(WsDeflateWindow, WindowsOutsideNineToFifteenAreRefused) {
  // zlib cannot make an 8-bit raw deflate window.
  for (int bits : {-15, 0, 7, 8, 16}) EXPECT_THROW(deflate_message("x", bits), std::invalid_argument) << bits;
}

// The header of an unmasked server frame, decoded independently of frame.cpp.
struct ServerFrame {
  std::uint8_t first = 0;
  bool masked = true;
  std::uint64_t length = 0;
  std::size_t header_length = 0;
};

ServerFrame decode(const std::string& frame) {
  ServerFrame out;
  if (frame.size() < 2) return out;
  auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(frame[i]); };
  out.first = b(0);
  out.masked = (b(1) & 0x80) != 0;
  out.length = b(1) & 0x7F;
  out.header_length = 2;
  std::size_t extra = out.length == 126 ? 2 : out.length == 127 ? 8 : 0;
  if (extra != 0) {
    out.length = 0;
    for (std::size_t i = 0; i < extra; ++i) out.length = (out.length << 8) | b(2 + i);
    out.header_length += extra;
  }
  return out;
}

MessagePtr sample(std::string data_json = R"({"a":1,"b":[true,null]})") {
  return make_message("room", "k3j9x0aa", 7, 1764268800000, "update", data_json);
}

TEST(WsMessageFrame, IsAnUnmaskedTextFrameOfTheOpMessagePush) {
  auto m = sample();
  ServerFrame frame = decode(m->ws_frame);
  EXPECT_EQ(frame.first, 0x81);
  EXPECT_FALSE(frame.masked);
  EXPECT_EQ(frame.header_length, m->ws_payload_at);
  EXPECT_EQ(frame.header_length + frame.length, m->ws_frame.size());
  std::string payload = m->ws_frame.substr(m->ws_payload_at);
  EXPECT_EQ(payload,
            R"({"op":"message","channel":"room","epoch":"k3j9x0aa","offset":7,"cursor":"k3j9x0aa:7",)"
            R"("time":1764268800000,"event":"update","data":{"a":1,"b":[true,null]}})");
  EXPECT_EQ(payload, R"({"op":"message",)" + m->envelope.substr(1));
}

TEST(WsMessageFrame, PayloadHasTheEnvelopeFieldsAfterOp) {
  auto m = sample();
  json::value payload = json::parse(m->ws_frame.substr(m->ws_payload_at));
  json::value envelope = json::parse(m->envelope);
  const json::object& object = payload.as_object();
  ASSERT_EQ(object.size(), envelope.as_object().size() + 1);
  auto it = object.begin();
  EXPECT_EQ(it->key(), "op");
  EXPECT_EQ(it->value(), json::value("message"));
  for (const auto& field : envelope.as_object()) {
    ++it;
    EXPECT_EQ(it->key(), field.key());
    EXPECT_EQ(it->value(), field.value());
  }
}

TEST(WsMessageFrame, LargeDataUsesTheExtendedLengths) {
  for (std::size_t size : {200u, 70000u}) {
    auto m = sample("\"" + std::string(size, 'd') + "\"");
    ServerFrame frame = decode(m->ws_frame);
    EXPECT_EQ(frame.first, 0x81);
    EXPECT_FALSE(frame.masked);
    EXPECT_EQ(frame.header_length, size < 65536 ? 4u : 10u);
    EXPECT_EQ(m->ws_payload_at, frame.header_length);
    EXPECT_EQ(frame.header_length + frame.length, m->ws_frame.size());
    json::value payload = json::parse(m->ws_frame.substr(m->ws_payload_at));
    EXPECT_EQ(payload.at("data").as_string().size(), size);
  }
}

TEST(WsMessageFrame, DeflatedFrameHasRsv1AndInflatesToTheSamePayload) {
  for (std::string data : {std::string(R"({"a":1})"), "\"" + std::string(100000, 'q') + "\"",
                           "\"" + random_text(3000, 1) + "\""}) {
    auto m = sample(data);
    const std::string& deflated = m->ws_deflated_frame();
    ServerFrame frame = decode(deflated);
    EXPECT_EQ(frame.first, 0xC1);  // FIN, RSV1, text
    EXPECT_FALSE(frame.masked);
    EXPECT_EQ(frame.header_length + frame.length, deflated.size());
    std::string compressed = deflated.substr(frame.header_length);
    EXPECT_FALSE(ends_with_sync_tail(compressed));
    EXPECT_EQ(inflated(compressed), m->ws_frame.substr(m->ws_payload_at));
  }
}

TEST(WsMessageFrame, DeflatedFrameIsMadeOnce) {
  auto m = sample();
  const std::string& first = m->ws_deflated_frame();
  const std::string& second = m->ws_deflated_frame();
  EXPECT_EQ(&first, &second);
  EXPECT_FALSE(first.empty());
}

TEST(WsMessageFrame, DeflatedFrameIsTheSameFromSeveralThreadsAtOnce) {
  const std::string data = "\"" + random_text(20000, 9) + "\"";
  const std::string expected = sample(data)->ws_deflated_frame();
  for (int round = 0; round < 20; ++round) {
    auto m = sample(data);
    constexpr int kThreads = 4;
    std::latch start(kThreads);
    std::vector<std::string> results(kThreads);
    std::vector<const std::string*> addresses(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        const std::string& frame = m->ws_deflated_frame();
        addresses[t] = &frame;
        results[t] = frame;
      });
    }
    for (auto& thread : threads) thread.join();
    for (int t = 0; t < kThreads; ++t) {
      EXPECT_EQ(results[t], expected) << "round " << round << ", thread " << t;
      EXPECT_EQ(addresses[t], addresses[0]);
    }
  }
}

// A message whose data has repeats at every window's distance.
MessagePtr far_repeats_message() { return sample("\"" + far_repeats() + "\""); }

// The payload of a compressed server frame, after checking its first byte (FIN, RSV1, text).
std::string compressed_payload(const std::string& frame) {
  ServerFrame header = decode(frame);
  EXPECT_EQ(header.first, 0xC1);
  EXPECT_FALSE(header.masked);
  EXPECT_EQ(header.header_length + header.length, frame.size());
  return frame.substr(header.header_length);
}

TEST(WsMessageFrame, DeflatedFrameOfEveryWindowInflatesWithThatWindow) {
  auto m = far_repeats_message();
  const std::string payload = m->ws_frame.substr(m->ws_payload_at);
  for (int bits = kMinWindowBits; bits <= kMaxWindowBits; ++bits) {
    SCOPED_TRACE(bits);
    std::string compressed = compressed_payload(m->ws_deflated_frame(bits));
    EXPECT_FALSE(ends_with_sync_tail(compressed));
    EXPECT_EQ(inflate_with_window(compressed, bits), payload);
    if (bits > kMinWindowBits) {
      EXPECT_EQ(inflate_with_window(compressed, bits - 1), std::nullopt);
    }
  }
}

TEST(WsMessageFrame, DeflatedFramesAreMadeOncePerWindow) {
  auto m = far_repeats_message();
  EXPECT_EQ(&m->ws_deflated_frame(), &m->ws_deflated_frame(kMaxWindowBits)) << "15 bits by default";
  std::vector<const std::string*> frames;
  for (int bits = kMinWindowBits; bits <= kMaxWindowBits; ++bits) {
    const std::string& frame = m->ws_deflated_frame(bits);
    EXPECT_EQ(&frame, &m->ws_deflated_frame(bits));
    for (const std::string* other : frames) EXPECT_NE(&frame, other);
    frames.push_back(&frame);
  }
  EXPECT_NE(m->ws_deflated_frame(9), m->ws_deflated_frame(15));
}

TEST(WsMessageFrame, DeflatedFrameOfAWindowHeraldCannotMakeIsRefused) {
  auto m = sample();
  EXPECT_THROW(m->ws_deflated_frame(8), std::invalid_argument);
  EXPECT_THROW(m->ws_deflated_frame(16), std::invalid_argument);
}

TEST(WsMessageFrame, DeflatedFramesOfSeveralWindowsFromSeveralThreadsAtOnce) {
  const std::string data = "\"" + far_repeats() + "\"";
  const std::vector<int> windows{9, 15, 12, 9, 15, 12};
  std::vector<std::string> expected;
  for (int bits : windows) expected.push_back(sample(data)->ws_deflated_frame(bits));
  for (int round = 0; round < 10; ++round) {
    auto m = sample(data);
    const int threads = static_cast<int>(windows.size());
    std::latch start(threads);
    std::vector<std::string> results(windows.size());
    std::vector<const std::string*> addresses(windows.size());
    std::vector<std::thread> running;
    for (int t = 0; t < threads; ++t) {
      running.emplace_back([&, t] {
        start.arrive_and_wait();
        const std::string& frame = m->ws_deflated_frame(windows[t]);
        addresses[t] = &frame;
        results[t] = frame;
      });
    }
    for (auto& thread : running) thread.join();
    for (int t = 0; t < threads; ++t) {
      EXPECT_EQ(results[t], expected[t]) << "round " << round << ", thread " << t;
      for (int u = 0; u < threads; ++u)
        EXPECT_EQ(addresses[t] == addresses[u], windows[t] == windows[u]) << "threads " << t << ", " << u;
    }
  }
}

}  // namespace
}  // namespace herald::ws
