// Messages and SSE framing: exact envelope JSON and field order, data view, SSE and raw encodings, escaping.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "protocol/encoded_message.hpp"
#include "protocol/sse/sse_format.hpp"

namespace herald {
namespace {
namespace json = boost::json;

constexpr const char* kEnvelope =
    R"({"channel":"room","epoch":"k3j9x0aa","offset":7,"cursor":"k3j9x0aa:7","time":1764268800000,)"
    R"("event":"message","data":{"a":1,"b":[true,null]}})";

MessagePtr sample() {
  return make_message("room", "k3j9x0aa", 7, 1764268800000, "message", R"({"a":1,"b":[true,null]})");
}

TEST(Message, KeepsItsFields) {
  auto m = sample();
  EXPECT_EQ(m->channel, "room");
  EXPECT_EQ(m->epoch, "k3j9x0aa");
  EXPECT_EQ(m->offset, 7u);
  EXPECT_EQ(m->time_ms, 1764268800000);
  EXPECT_EQ(m->event, "message");
  EXPECT_EQ(m->cursor(), (Cursor{"k3j9x0aa", 7}));
}

TEST(Message, EnvelopeIsExactJsonInFieldOrder) {
  auto m = sample();
  EXPECT_EQ(m->envelope, kEnvelope);
  EXPECT_EQ(m->envelope.find('\n'), std::string::npos);
}

TEST(Message, EnvelopeParsesBackWithTheRightFields) {
  auto m = sample();
  json::value value = json::parse(m->envelope);
  const json::object& object = value.as_object();
  ASSERT_EQ(object.size(), 7u);
  const char* order[] = {"channel", "epoch", "offset", "cursor", "time", "event", "data"};
  std::size_t i = 0;
  for (const auto& field : object) EXPECT_EQ(field.key(), order[i++]);
  EXPECT_EQ(object.at("channel").as_string(), "room");
  EXPECT_EQ(object.at("epoch").as_string(), "k3j9x0aa");
  EXPECT_EQ(object.at("offset").to_number<std::uint64_t>(), 7u);
  EXPECT_EQ(object.at("cursor").as_string(), "k3j9x0aa:7");
  EXPECT_EQ(object.at("time").to_number<std::int64_t>(), 1764268800000);
  EXPECT_EQ(object.at("event").as_string(), "message");
  EXPECT_EQ(object.at("data"), json::parse(R"({"a":1,"b":[true,null]})"));
}

TEST(Message, DataJsonViewsThePayloadInsideTheEnvelope) {
  for (const char* data :
       {R"({"a":1})", "42", "-1.5", "null", "true", R"("text")", "[]", R"([1,"x",{}])", R"("")"}) {
    auto m = make_message("c", "e", 1, 0, "message", data);
    EXPECT_EQ(m->data_json(), data);
    // The view points into the envelope itself, not a copy.
    EXPECT_GE(m->data_json().data(), m->envelope.data());
    EXPECT_EQ(m->data_json().data(), m->envelope.data() + m->data_at);
    EXPECT_EQ(json::parse(m->envelope).as_object().at("data"), json::parse(data)) << data;
  }
}

TEST(Message, EnvelopeEscapesChannelAndEvent) {
  auto m = make_message("a\"b\\c\nd", "e", 1, 5, "ev\"t\x01", "1");
  EXPECT_NE(m->envelope.find(R"("channel":"a\"b\\c\nd")"), std::string::npos) << m->envelope;
  EXPECT_EQ(m->envelope.find('\n'), std::string::npos);
  json::value value = json::parse(m->envelope);
  EXPECT_EQ(value.at("channel").as_string(), "a\"b\\c\nd");
  EXPECT_EQ(value.at("event").as_string(), "ev\"t\x01");
  EXPECT_EQ(m->data_json(), "1");
}

TEST(Message, SseEncodingHasIdEventAndDataLines) {
  auto m = sample();
  EXPECT_EQ(m->sse, std::string("id: k3j9x0aa:7\nevent: message\ndata: ") + kEnvelope + "\n\n");
}

TEST(Message, SseBodyStartsAtTheEventLine) {
  auto m = make_message("room", "abc", 12, 1, "update", "[1]");
  const std::string id_line = "id: abc:12\n";
  EXPECT_EQ(m->sse_body_at, id_line.size());
  EXPECT_EQ(m->sse.substr(0, m->sse_body_at), id_line);
  EXPECT_EQ(m->sse.substr(m->sse_body_at), "event: update\ndata: " + m->envelope + "\n\n");
}

TEST(Message, RawSseOfANonStringPayloadIsItsJson) {
  auto m = make_message("room", "abc", 3, 1, "message", R"({"k":"v\nw"})");
  EXPECT_EQ(m->sse_raw, "id: abc:3\nevent: message\ndata: {\"k\":\"v\\nw\"}\n\n");
  EXPECT_EQ(m->sse_raw.substr(m->sse_raw_body_at), "event: message\ndata: {\"k\":\"v\\nw\"}\n\n");
}

TEST(Message, RawSseOfAStringPayloadIsItsTextOneDataLinePerLine) {
  auto m = make_message("room", "abc", 4, 1, "note", R"("line1\nline2\r\nline3")");
  EXPECT_EQ(m->sse_raw, "id: abc:4\nevent: note\ndata: line1\ndata: line2\ndata: line3\n\n");
  EXPECT_EQ(m->sse_raw_body_at, std::string("id: abc:4\n").size());
  // The envelope keeps the string as JSON.
  EXPECT_EQ(m->data_json(), R"("line1\nline2\r\nline3")");
}

TEST(Message, RawSseOfAPlainStringIsUnquotedAndUnescaped) {
  auto m = make_message("room", "abc", 5, 1, "message", R"("say \"hi\" \\ \u00e9")");
  EXPECT_EQ(m->sse_raw, "id: abc:5\nevent: message\ndata: say \"hi\" \\ \xC3\xA9\n\n");
}

TEST(Message, RawSseOfAnEmptyStringIsOneEmptyDataLine) {
  auto m = make_message("room", "abc", 6, 1, "message", R"("")");
  EXPECT_EQ(m->sse_raw, "id: abc:6\nevent: message\ndata: \n\n");
}

TEST(SseFormat, AppendEventBodySplitsDataAtEveryKindOfLineBreak) {
  std::string out;
  sse::append_event_body(out, "e", "a\nb\r\nc\rd");
  EXPECT_EQ(out, "event: e\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
}

TEST(SseFormat, TrailingAndRepeatedLineBreaksGiveEmptyDataLines) {
  std::string out;
  sse::append_event_body(out, "e", "a\n\nb\n");
  EXPECT_EQ(out, "event: e\ndata: a\ndata: \ndata: b\ndata: \n\n");
  out.clear();
  sse::append_event_body(out, "e", "x\r");
  EXPECT_EQ(out, "event: e\ndata: x\ndata: \n\n");
}

TEST(SseFormat, EmptyEventWritesNoEventLine) {
  std::string out = "prefix|";
  sse::append_event_body(out, "", "d");
  EXPECT_EQ(out, "prefix|data: d\n\n");
}

TEST(SseFormat, EmptyDataIsOneEmptyDataLine) {
  std::string out;
  sse::append_event_body(out, "e", "");
  EXPECT_EQ(out, "event: e\ndata: \n\n");
}

TEST(SseFormat, IdRetryAndHeartbeat) {
  std::string out;
  sse::append_id(out, "aaa:1,bbb:2");
  EXPECT_EQ(out, "id: aaa:1,bbb:2\n");
  EXPECT_EQ(sse::retry_field(2000), "retry: 2000\n\n");
  EXPECT_EQ(sse::retry_field(0), "retry: 0\n\n");
  EXPECT_EQ(sse::kHeartbeat, ": heartbeat\n\n");
}

}  // namespace
}  // namespace herald
