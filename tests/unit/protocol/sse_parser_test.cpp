// SSE stream parser: chunking, line ends, comments, multi-line data, ids, retry, BOM, encoder round trip.
#include "protocol/sse/sse_parser.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/encoded_message.hpp"
#include "protocol/sse/sse_format.hpp"

namespace herald {
namespace {
using namespace std::string_literals;

// What the parser dispatched, comparable and printable.
struct Seen {
  std::string id;
  std::string event;
  std::string data;
  bool operator==(const Seen&) const = default;
};

void PrintTo(const Seen& seen, std::ostream* os) {
  *os << "{id=" << testing::PrintToString(seen.id) << " event=" << testing::PrintToString(seen.event)
      << " data=" << testing::PrintToString(seen.data) << "}";
}

using Events = std::vector<Seen>;

struct ParseResult {
  Events events;
  std::string last_event_id;
  std::optional<unsigned> retry_ms;
};

sse::Parser recording_parser(Events& events) {
  return sse::Parser([&events](const sse::Event& e) { events.push_back({e.id, e.event, e.data}); });
}

ParseResult parse_all(std::string_view stream) {
  ParseResult out;
  sse::Parser parser = recording_parser(out.events);
  parser.feed(stream);
  out.last_event_id = parser.last_event_id();
  out.retry_ms = parser.retry_ms();
  return out;
}

ParseResult parse_bytewise(std::string_view stream) {
  ParseResult out;
  sse::Parser parser = recording_parser(out.events);
  for (char c : stream) parser.feed(std::string_view(&c, 1));
  out.last_event_id = parser.last_event_id();
  out.retry_ms = parser.retry_ms();
  return out;
}

TEST(SseParser, ParsesOneEvent) {
  auto parsed = parse_all("id: a:1\nevent: update\ndata: hello\n\n");
  EXPECT_EQ(parsed.events, (Events{{"a:1", "update", "hello"}}));
  EXPECT_EQ(parsed.last_event_id, "a:1");
}

TEST(SseParser, EventDefaultsToMessage) {
  EXPECT_EQ(parse_all("data: x\n\n").events, (Events{{"", "message", "x"}}));
  EXPECT_EQ(parse_all("event:\ndata: x\n\n").events, (Events{{"", "message", "x"}}));
}

TEST(SseParser, ByteByByteGivesTheSameEventsAsAllAtOnce) {
  const std::string stream =
      "retry: 1500\r\n: comment\r\nid: e:1\r\nevent: a\r\ndata: one\r\ndata: two\r\n\r\n"
      "data: three\rid: e:2\r\r"
      "event: b\ndata:four\n\n"
      "data\n\n"
      "id: e:3\nevent: c\n\n"
      "data: five\r\n\r\n";
  auto whole = parse_all(stream);
  auto bytewise = parse_bytewise(stream);
  Events expected{{"e:1", "a", "one\ntwo"},
                  {"e:2", "message", "three"},
                  {"e:2", "b", "four"},
                  {"e:2", "message", ""},
                  {"e:3", "message", "five"}};
  EXPECT_EQ(whole.events, expected);
  EXPECT_EQ(bytewise.events, expected);
  EXPECT_EQ(whole.last_event_id, "e:3");
  EXPECT_EQ(bytewise.last_event_id, "e:3");
  EXPECT_EQ(whole.retry_ms, 1500u);
  EXPECT_EQ(bytewise.retry_ms, 1500u);
}

TEST(SseParser, EverySplitPointGivesTheSameEvents) {
  const std::string stream = "id: x:1\r\nevent: e\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\rdata: d\n\n";
  auto whole = parse_all(stream).events;
  ASSERT_EQ(whole.size(), 3u);
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    Events events;
    sse::Parser parser = recording_parser(events);
    parser.feed(std::string_view(stream).substr(0, split));
    parser.feed(std::string_view(stream).substr(split));
    EXPECT_EQ(events, whole) << "split at " << split;
  }
}

TEST(SseParser, AcceptsLfCrAndCrlfLineEnds) {
  Events expected{{"", "message", "a\nb"}};
  EXPECT_EQ(parse_all("data: a\ndata: b\n\n").events, expected);
  EXPECT_EQ(parse_all("data: a\rdata: b\r\r").events, expected);
  EXPECT_EQ(parse_all("data: a\r\ndata: b\r\n\r\n").events, expected);
  EXPECT_EQ(parse_all("data: a\rdata: b\r\n\n").events, expected);
}

TEST(SseParser, CrLfSplitAcrossFeedsIsOneLineBreak) {
  Events events;
  sse::Parser parser = recording_parser(events);
  parser.feed("data: a\r");
  parser.feed("\ndata: b\r");
  parser.feed("\n\r");
  parser.feed("\n");
  EXPECT_EQ(events, (Events{{"", "message", "a\nb"}}));
}

TEST(SseParser, TwoCrsAreTwoLineBreaks) {
  // "\r\r" ends the data line and then the event.
  EXPECT_EQ(parse_all("data: a\r\r").events.size(), 1u);
}

TEST(SseParser, IgnoresComments) {
  auto parsed = parse_all(": heartbeat\n\n:\ndata: x\n: in the middle\ndata: y\n\n");
  EXPECT_EQ(parsed.events, (Events{{"", "message", "x\ny"}}));
}

TEST(SseParser, HeartbeatAloneDispatchesNothing) { EXPECT_TRUE(parse_all(": heartbeat\n\n").events.empty()); }

TEST(SseParser, OnlyOneLeadingSpaceIsRemovedFromTheValue) {
  EXPECT_EQ(parse_all("data:  two spaces\n\n").events, (Events{{"", "message", " two spaces"}}));
  EXPECT_EQ(parse_all("data:no space\n\n").events, (Events{{"", "message", "no space"}}));
  EXPECT_EQ(parse_all("data: a: b\n\n").events, (Events{{"", "message", "a: b"}}));
}

TEST(SseParser, MultiLineDataIncludingEmptyLines) {
  EXPECT_EQ(parse_all("data: a\ndata:\ndata: c\n\n").events, (Events{{"", "message", "a\n\nc"}}));
  EXPECT_EQ(parse_all("data\ndata\n\n").events, (Events{{"", "message", "\n"}}));
}

TEST(SseParser, UnknownFieldsAreIgnored) {
  EXPECT_EQ(parse_all("foo: bar\ndata: x\nDATA: y\n\n").events, (Events{{"", "message", "x"}}));
}

TEST(SseParser, IdPersistsAcrossEventsUntilChanged) {
  auto parsed = parse_all("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\n");
  EXPECT_EQ(
      parsed.events,
      (Events{{"1", "message", "a"}, {"1", "message", "b"}, {"2", "message", "c"}, {"", "message", "d"}}));
  EXPECT_EQ(parsed.last_event_id, "");
}

TEST(SseParser, IdWithNulIsIgnored) {
  auto parsed = parse_all("id: good\ndata: a\n\nid: b\0d\ndata: b\n\n"s);
  EXPECT_EQ(parsed.events, (Events{{"good", "message", "a"}, {"good", "message", "b"}}));
}

TEST(SseParser, IdWithoutDataStillUpdatesTheLastEventId) {
  auto parsed = parse_all("id: x:9\n\n");
  EXPECT_TRUE(parsed.events.empty());
  EXPECT_EQ(parsed.last_event_id, "x:9");
}

TEST(SseParser, EventFieldIsResetAfterEachDispatch) {
  EXPECT_EQ(parse_all("event: a\ndata: 1\n\ndata: 2\n\n").events,
            (Events{{"", "a", "1"}, {"", "message", "2"}}));
}

TEST(SseParser, EventsWithoutDataAreNotDispatched) {
  auto parsed = parse_all("event: close\n\nevent: gap\nid: z:1\n\ndata: after\n\n");
  // The event name of a data-less event does not leak into the next one.
  EXPECT_EQ(parsed.events, (Events{{"z:1", "message", "after"}}));
}

TEST(SseParser, IncompleteEventAtTheEndIsNotDispatched) {
  EXPECT_TRUE(parse_all("data: a\n").events.empty());
  EXPECT_TRUE(parse_all("data: a").events.empty());
}

TEST(SseParser, RetryAcceptsOnlyDigits) {
  EXPECT_EQ(parse_all("retry: 2000\n\n").retry_ms, 2000u);
  EXPECT_EQ(parse_all("retry:0\n").retry_ms, 0u);
  EXPECT_FALSE(parse_all("").retry_ms.has_value());
  for (const char* stream : {"retry: \n", "retry: 12a\n", "retry: -5\n", "retry: 1.5\n", "retry: +5\n",
                             "retry\n", "retry: 99999999999999999999\n"})
    EXPECT_FALSE(parse_all(stream).retry_ms.has_value()) << stream;
  // An invalid retry leaves the previous value.
  EXPECT_EQ(parse_all("retry: 100\nretry: x\n").retry_ms, 100u);
  EXPECT_EQ(parse_all("retry: 100\nretry: 300\n").retry_ms, 300u);
}

TEST(SseParser, RetryDispatchesNothing) { EXPECT_TRUE(parse_all("retry: 2000\n\n").events.empty()); }

const std::string kBom = "\xEF\xBB\xBF";

TEST(SseParser, LeadingBomIsIgnored) {
  EXPECT_EQ(parse_all(kBom + "data: x\n\n").events, (Events{{"", "message", "x"}}));
}

TEST(SseParser, LeadingBomIsIgnoredWhenFedByteByByte) {
  // The parser is fed as bytes arrive; the BOM must not depend on arriving in one piece.
  EXPECT_EQ(parse_bytewise(kBom + "data: x\n\n").events, (Events{{"", "message", "x"}}));
}

TEST(SseParser, LeadingBomIsIgnoredWhenSplitAcrossFeeds) {
  Events events;
  sse::Parser parser = recording_parser(events);
  parser.feed(kBom.substr(0, 2));
  parser.feed(kBom.substr(2) + "data: x\n\n");
  EXPECT_EQ(events, (Events{{"", "message", "x"}}));
}

TEST(SseParser, OnlyTheFirstBomIsSpecial) {
  // A BOM later in the stream is part of the line: here it makes the field name unknown.
  auto parsed = parse_all("data: a\n\n" + kBom + "data: b\n\n");
  EXPECT_EQ(parsed.events, (Events{{"", "message", "a"}}));
}

TEST(SseParser, RoundTripsWhatTheEncoderWrites) {
  std::string stream = sse::retry_field(2000);
  sse::append_id(stream, "ab12cd34:7,zz99yy88:0");
  sse::append_event_body(stream, "update", "first line\nsecond line\r\nthird\rfourth");
  stream += sse::kHeartbeat;
  sse::append_event_body(stream, "", R"({"json":true})");
  sse::append_id(stream, "ab12cd34:8,zz99yy88:0");
  sse::append_event_body(stream, "gap", "");

  Events expected{{"ab12cd34:7,zz99yy88:0", "update", "first line\nsecond line\nthird\nfourth"},
                  {"ab12cd34:7,zz99yy88:0", "message", R"({"json":true})"},
                  {"ab12cd34:8,zz99yy88:0", "gap", ""}};
  auto whole = parse_all(stream);
  EXPECT_EQ(whole.events, expected);
  EXPECT_EQ(whole.retry_ms, 2000u);
  EXPECT_EQ(parse_bytewise(stream).events, expected);
}

TEST(SseParser, RoundTripsAMessageEncoding) {
  auto m = make_message("room", "k3j9x0aa", 7, 1, "update", R"("a\nb")");
  auto parsed = parse_all(m->sse + m->sse_raw);
  EXPECT_EQ(parsed.events, (Events{{"k3j9x0aa:7", "update", m->envelope}, {"k3j9x0aa:7", "update", "a\nb"}}));
}

}  // namespace
}  // namespace herald
