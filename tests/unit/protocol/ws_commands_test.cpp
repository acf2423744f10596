// herald.v1 commands: every op and its arguments, id echo, every parse error, and the exact reply and push
// texts.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "protocol/ws/commands.hpp"

namespace herald::ws {
namespace {
namespace json = boost::json;

const PublishLimits kLimits{};

Command ok(const std::string& text, const PublishLimits& limits = kLimits) {
  auto parsed = parse_command(text, limits);
  if (const auto* error = std::get_if<CommandError>(&parsed)) {
    ADD_FAILURE() << text << ": unexpected error " << error->error.code << ": " << error->error.message;
    return {};
  }
  return std::get<Command>(parsed);
}

// Checks the error code (and that there is a message), and returns the error.
CommandError failed(const std::string& text, const std::string& code, const PublishLimits& limits = kLimits) {
  auto parsed = parse_command(text, limits);
  const auto* error = std::get_if<CommandError>(&parsed);
  if (error == nullptr) {
    ADD_FAILURE() << text << ": expected " << code;
    return {};
  }
  EXPECT_EQ(error->error.code, code) << text;
  EXPECT_FALSE(error->error.message.empty()) << text;
  return *error;
}

json::value parse_json(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text;
  return value;
}

TEST(WsCommands, Ping) {
  Command command = ok(R"({"id":5,"op":"ping"})");
  EXPECT_EQ(command.op, Op::ping);
  EXPECT_EQ(command.id, "5");
}

TEST(WsCommands, SubscribeWithoutSince) {
  Command command = ok(R"({"id":1,"op":"subscribe","channel":"room"})");
  EXPECT_EQ(command.op, Op::subscribe);
  EXPECT_EQ(command.id, "1");
  EXPECT_EQ(command.channel, "room");
  EXPECT_FALSE(command.since.has_value());
}

TEST(WsCommands, SubscribeWithSince) {
  Command command = ok(R"({"id":1,"op":"subscribe","channel":"a:b","since":"k3j9x0aa:42"})");
  EXPECT_EQ(command.channel, "a:b");
  ASSERT_TRUE(command.since.has_value());
  EXPECT_EQ(command.since->text, "k3j9x0aa:42");
  EXPECT_EQ(command.since->cursor, (Cursor{"k3j9x0aa", 42}));
}

TEST(WsCommands, SinceThatIsNotACursorResumesWithAGap) {
  Command command = ok(R"({"op":"subscribe","channel":"c","since":"garbage"})");
  ASSERT_TRUE(command.since.has_value());
  EXPECT_EQ(command.since->text, "garbage");
  EXPECT_FALSE(command.since->cursor.has_value());
}

TEST(WsCommands, EmptyOrNullSinceMeansNone) {
  EXPECT_FALSE(ok(R"({"op":"subscribe","channel":"c","since":""})").since.has_value());
  EXPECT_FALSE(ok(R"({"op":"subscribe","channel":"c","since":null})").since.has_value());
  EXPECT_FALSE(ok(R"({"op":"history","channel":"c","since":null})").since.has_value());
}

TEST(WsCommands, SinceMustBeAString) {
  failed(R"({"op":"subscribe","channel":"c","since":5})", "invalid_field");
  failed(R"({"op":"history","channel":"c","since":{"epoch":"x"}})", "invalid_field");
  failed(R"({"op":"history","channel":"c","since":true})", "invalid_field");
}

TEST(WsCommands, Unsubscribe) {
  Command command = ok(R"({"id":2,"op":"unsubscribe","channel":"room"})");
  EXPECT_EQ(command.op, Op::unsubscribe);
  EXPECT_EQ(command.id, "2");
  EXPECT_EQ(command.channel, "room");
}

TEST(WsCommands, PublishWithEveryField) {
  Command command =
      ok(R"({"id":3,"op":"publish","channel":"chat.1","data":{"text":"hi","n":[1,2]},"event":"said",)"
         R"("idempotency_key":"k-1"})");
  EXPECT_EQ(command.op, Op::publish);
  EXPECT_EQ(command.id, "3");
  EXPECT_EQ(command.channel, "chat.1");
  EXPECT_EQ(command.publish.channel, "chat.1");
  EXPECT_EQ(command.publish.data_json, R"({"text":"hi","n":[1,2]})");
  EXPECT_EQ(command.publish.event, "said");
  EXPECT_EQ(command.publish.idempotency_key, "k-1");
}

TEST(WsCommands, PublishDefaults) {
  Command command = ok(R"({"op":"publish","channel":"c","data":null})");
  EXPECT_EQ(command.publish.data_json, "null");
  EXPECT_EQ(command.publish.event, "message");
  EXPECT_EQ(command.publish.idempotency_key, "");
  EXPECT_EQ(command.id, "null");
}

TEST(WsCommands, PublishWithANullEventIsAMessage) {
  EXPECT_EQ(ok(R"({"op":"publish","channel":"c","data":1,"event":null})").publish.event, "message");
}

TEST(WsCommands, PublishUsesThePublishValidation) {
  failed(R"({"op":"publish","channel":"c","data":1,"event":"gap"})", "invalid_event");
  failed(R"({"op":"publish","channel":"c","data":1,"event":"has space"})", "invalid_event");
  failed(R"({"op":"publish","channel":"c","data":1,"event":""})", "invalid_event");
  failed(R"({"op":"publish","channel":"c","data":1,"event":5})", "invalid_field");
  failed(R"({"op":"publish","channel":"bad channel","data":1})", "invalid_channel");
  failed(R"({"op":"publish","channel":"c"})", "invalid_field");  // no data
  failed(R"({"op":"publish","data":1})", "invalid_field");       // no channel
  failed(R"({"op":"publish","channel":"c","data":1,"idempotency_key":")" + std::string(129, 'k') + R"("})",
         "invalid_field");
}

TEST(WsCommands, PublishOverTheSizeLimitIsTooLarge) {
  const PublishLimits small{10, 1};
  ok(R"({"op":"publish","channel":"c","data":"12345678"})", small);  // 10 bytes serialized
  CommandError error =
      failed(R"({"id":7,"op":"publish","channel":"c","data":"123456789"})", "too_large", small);
  EXPECT_EQ(error.id, "7");
  EXPECT_EQ(error.error.status, http::status::payload_too_large);
}

TEST(WsCommands, HistoryWithSinceAndLimit) {
  Command command = ok(R"({"id":4,"op":"history","channel":"c","since":"abc:3","limit":10})");
  EXPECT_EQ(command.op, Op::history);
  EXPECT_EQ(command.id, "4");
  EXPECT_EQ(command.channel, "c");
  ASSERT_TRUE(command.since.has_value());
  EXPECT_EQ(command.since->cursor, (Cursor{"abc", 3}));
  EXPECT_EQ(command.limit, 10u);
}

TEST(WsCommands, HistoryLimitDefaultsAndClamps) {
  EXPECT_EQ(ok(R"({"op":"history","channel":"c"})").limit, 100u);
  EXPECT_EQ(ok(R"({"op":"history","channel":"c","limit":null})").limit, 100u);
  EXPECT_EQ(ok(R"({"op":"history","channel":"c","limit":1})").limit, 1u);
  EXPECT_EQ(ok(R"({"op":"history","channel":"c","limit":1000})").limit, 1000u);
  EXPECT_EQ(ok(R"({"op":"history","channel":"c","limit":1001})").limit, 1000u);
  EXPECT_EQ(ok(R"({"op":"history","channel":"c","limit":9223372036854775807})").limit, 1000u);
}

// Boost.JSON reads integers above INT64_MAX as uint64; they are still positive and clamp like the rest (GET
// /api/history clamps the same text to 1000 too).
TEST(WsCommands, HistoryLimitAboveInt64MaxIsClamped) {
  EXPECT_EQ(ok(R"({"op":"history","channel":"c","limit":9223372036854775808})").limit, 1000u);
  EXPECT_EQ(ok(R"({"op":"history","channel":"c","limit":18446744073709551615})").limit, 1000u);
}

TEST(WsCommands, HistoryLimitMustBeAPositiveInteger) {
  for (std::string limit :
       {"0", "-1", "-9223372036854775808", "1.5", "10.0", "1e2", "\"10\"", "true", "[10]"}) {
    SCOPED_TRACE(limit);
    failed(R"({"op":"history","channel":"c","limit":)" + limit + "}", "invalid_field");
  }
}

TEST(WsCommands, IdIsEchoedAsJson) {
  EXPECT_EQ(ok(R"({"id":42,"op":"ping"})").id, "42");
  EXPECT_EQ(ok(R"({"id":-3,"op":"ping"})").id, "-3");
  EXPECT_EQ(ok(R"({"id":"abc","op":"ping"})").id, R"("abc")");
  EXPECT_EQ(ok(R"({"id":"","op":"ping"})").id, R"("")");
  EXPECT_EQ(ok(R"({"id":null,"op":"ping"})").id, "null");
  EXPECT_EQ(ok(R"({"op":"ping"})").id, "null");
  EXPECT_EQ(parse_json(ok(R"({"id":1.5,"op":"ping"})").id), json::value(1.5));
  // A string needing escapes stays one valid JSON string.
  std::string id = ok(R"({"id":"a\"b\\c\u0001","op":"ping"})").id;
  EXPECT_EQ(parse_json(id), json::value("a\"b\\c\x01"));
}

TEST(WsCommands, IdOfAnotherTypeIsInvalid) {
  for (std::string id : {"{}", "[1]", "true"}) {
    SCOPED_TRACE(id);
    CommandError error = failed(R"({"op":"ping","id":)" + id + "}", "invalid_field");
    EXPECT_EQ(error.id, "null");
  }
}

TEST(WsCommands, ErrorsAfterTheIdEchoIt) {
  EXPECT_EQ(failed(R"({"id":9,"op":"subscribe"})", "invalid_field").id, "9");
  EXPECT_EQ(failed(R"({"id":"s","op":"subscribe","channel":"no way"})", "invalid_channel").id, R"("s")");
  EXPECT_EQ(failed(R"({"id":10})", "invalid_field").id, "10");
  EXPECT_EQ(failed(R"({"id":11,"op":"dance"})", "unknown_op").id, "11");
}

TEST(WsCommands, TextThatIsNotJsonIsBadJsonWithNullId) {
  for (std::string text : {"", "not json", "{", R"({"id":1,"op":"ping")", R"({"id":1,"op":"ping"} x)"}) {
    SCOPED_TRACE(text);
    CommandError error = failed(text, "bad_json");
    EXPECT_EQ(error.id, "null");
    EXPECT_EQ(error.error.status, http::status::bad_request);
  }
}

TEST(WsCommands, NonObjectsAreInvalid) {
  for (std::string text : {"[1,2]", "42", R"("ping")", "null", "true"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(failed(text, "invalid_field").id, "null");
  }
}

TEST(WsCommands, MissingOrNonStringOpIsInvalid) {
  failed(R"({})", "invalid_field");
  failed(R"({"id":1,"channel":"c"})", "invalid_field");
  failed(R"({"op":1})", "invalid_field");
  failed(R"({"op":null})", "invalid_field");
  failed(R"({"op":["ping"]})", "invalid_field");
}

TEST(WsCommands, MissingOrNonStringOpEchoesTheId) {
  EXPECT_EQ(failed(R"({"id":"x"})", "invalid_field").id, R"("x")");
  EXPECT_EQ(failed(R"({"id":3,"channel":"c"})", "invalid_field").id, "3");
  EXPECT_EQ(failed(R"({"id":"y","op":7})", "invalid_field").id, R"("y")");
  EXPECT_EQ(failed(R"({"id":4,"op":null})", "invalid_field").id, "4");
  EXPECT_EQ(failed(R"({"op":["ping"]})", "invalid_field").id, "null") << "no id: null";
}

TEST(WsCommands, UnknownOp) {
  for (std::string op : {"dance", "", "PING", "Subscribe", "message"}) {
    SCOPED_TRACE(op);
    CommandError error = failed(R"({"id":"x","op":")" + op + R"("})", "unknown_op");
    EXPECT_EQ(error.id, R"("x")");
  }
}

TEST(WsCommands, ChannelIsRequiredAndValidated) {
  for (std::string op : {"subscribe", "unsubscribe", "history"}) {
    SCOPED_TRACE(op);
    failed(R"({"op":")" + op + R"("})", "invalid_field");
    failed(R"({"op":")" + op + R"(","channel":5})", "invalid_field");
    failed(R"({"op":")" + op + R"(","channel":null})", "invalid_field");
    failed(R"({"op":")" + op + R"(","channel":""})", "invalid_channel");
    failed(R"({"op":")" + op + R"(","channel":"a b"})", "invalid_channel");
    failed(R"({"op":")" + op + R"(","channel":"a/b"})", "invalid_channel");
    failed(R"({"op":")" + op + R"(","channel":")" + std::string(256, 'c') + R"("})", "invalid_channel");
    EXPECT_EQ(ok(R"({"op":")" + op + R"(","channel":")" + std::string(255, 'c') + R"("})").channel,
              std::string(255, 'c'));
  }
}

TEST(WsCommands, OkReplyExactText) {
  EXPECT_EQ(ok_reply("1"), R"({"id":1,"ok":true})");
  EXPECT_EQ(ok_reply("null"), R"({"id":null,"ok":true})");
  EXPECT_EQ(ok_reply(R"("a")", "{}"), R"({"id":"a","ok":true})");
  EXPECT_EQ(ok_reply("2", R"({"channel":"c","n":1})"), R"({"id":2,"ok":true,"channel":"c","n":1})");
  json::value reply = parse_json(ok_reply("2", R"({"channel":"c","nested":{"a":[1]}})"));
  EXPECT_EQ(reply, parse_json(R"({"id":2,"ok":true,"channel":"c","nested":{"a":[1]}})"));
}

TEST(WsCommands, ErrorReplyExactText) {
  ApiError error{http::status::forbidden, "forbidden", "publishing is off"};
  EXPECT_EQ(error_reply("3", error),
            R"({"id":3,"ok":false,"error":{"code":"forbidden","message":"publishing is off"}})");
  EXPECT_EQ(error_reply("null", {http::status::bad_request, "bad_json", "no"}),
            R"({"id":null,"ok":false,"error":{"code":"bad_json","message":"no"}})");
}

TEST(WsCommands, ErrorReplyEscapesTheMessage) {
  ApiError error{http::status::bad_request, "unknown_op", "unknown op \"a\\b\"\n"};
  json::value reply = parse_json(error_reply(R"("i")", error));
  EXPECT_EQ(reply.at("id"), json::value("i"));
  EXPECT_EQ(reply.at("ok"), json::value(false));
  EXPECT_EQ(reply.at_pointer("/error/message"), json::value("unknown op \"a\\b\"\n"));
}

TEST(WsCommands, ErrorReplyForAParsedErrorIsValidJson) {
  for (std::string text : {"nope", R"({"id":"q\"","op":"x\"y"})", R"({"id":1e300,"op":"subscribe"})"}) {
    SCOPED_TRACE(text);
    auto parsed = parse_command(text, kLimits);
    const auto* error = std::get_if<CommandError>(&parsed);
    ASSERT_NE(error, nullptr);
    json::value reply = parse_json(error_reply(error->id, error->error));
    ASSERT_TRUE(reply.is_object());
    EXPECT_EQ(reply.at("ok"), json::value(false));
    EXPECT_EQ(reply.at_pointer("/error/code"), json::value(error->error.code));
  }
}

TEST(WsCommands, SubscribeReplyExactText) {
  EXPECT_EQ(subscribe_reply("1", "room", Cursor{"k3j9x0aa", 42}, true),
            R"({"id":1,"ok":true,"channel":"room","cursor":"k3j9x0aa:42","recovered":true})");
  EXPECT_EQ(subscribe_reply(R"("s")", "a:b", Cursor{"e", 0}, false),
            R"({"id":"s","ok":true,"channel":"a:b","cursor":"e:0","recovered":false})");
}

TEST(WsCommands, GapPushExactText) {
  std::string push = gap_push(Gap{"room", "old:1", Cursor{"k3j9x0aa", 7}});
  EXPECT_EQ(push, R"({"op":"gap","channel":"room","requested":"old:1","continue_from":"k3j9x0aa:7"})");
  json::value value = parse_json(push);
  EXPECT_EQ(value.at("op"), json::value("gap"));
  // A requested text that needs escaping stays valid JSON.
  json::value escaped = parse_json(gap_push(Gap{"c", "a\"b", Cursor{"e", 1}}));
  EXPECT_EQ(escaped.at("requested"), json::value("a\"b"));
}

TEST(WsCommands, JoinNamesARoomAndMayCarryInfo) {
  Command command = ok(R"({"id":1,"op":"join","room":"call:abc","info":{"name":"ann"}})");
  EXPECT_EQ(command.op, Op::join);
  EXPECT_EQ(command.channel, "call:abc");
  EXPECT_EQ(command.info_json, R"({"name":"ann"})");
  EXPECT_EQ(ok(R"({"op":"leave","room":"call:abc"})").op, Op::leave);
}

TEST(WsCommands, RoomMustBeAChannelName) {
  failed(R"({"id":1,"op":"join"})", "invalid_field");
  failed(R"({"id":1,"op":"join","room":7})", "invalid_field");
  failed(R"({"id":1,"op":"leave","room":"a b"})", "invalid_channel");
}

TEST(WsCommands, SignalCarriesAPeerAndAnyData) {
  Command command =
      ok(R"({"id":2,"op":"signal","room":"call:abc","to":"p1","data":{"type":"offer","sdp":"v=0"}})");
  EXPECT_EQ(command.op, Op::signal);
  EXPECT_EQ(command.channel, "call:abc");
  EXPECT_EQ(command.to, "p1");
  EXPECT_EQ(command.data_json, R"({"type":"offer","sdp":"v=0"})");
  EXPECT_EQ(ok(R"({"op":"signal","room":"r","to":"p1","data":"text"})").data_json, R"("text")");
}

TEST(WsCommands, SignalNeedsAPeerAndData) {
  failed(R"({"op":"signal","room":"r","data":{}})", "invalid_field");
  failed(R"({"op":"signal","room":"r","to":"","data":{}})", "invalid_field");
  failed(R"({"op":"signal","room":"r","to":5,"data":{}})", "invalid_field");
  failed(R"({"op":"signal","room":"r","to":"p1"})", "invalid_field");
  failed(R"({"op":"signal","room":"r","to":"p1","data":null})", "invalid_field");
  failed(R"({"op":"signal","to":"p1","data":{}})", "invalid_field");
}

}  // namespace
}  // namespace herald::ws
