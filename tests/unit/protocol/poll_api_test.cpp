// Polling API wire format: query parameters (channel, since, limit, timeout) and the exact response JSON.
#include "protocol/http/poll_api.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <string>

namespace herald {
namespace {
namespace json = boost::json;

const PollLimits kLimits{};

HttpRequest request_for(const std::string& target) {
  http::request<http::string_body> message{http::verb::get, target, 11};
  auto request = HttpRequest::from(std::move(message), boost::asio::ip::make_address("127.0.0.1"));
  if (!request) throw std::runtime_error("not an origin-form target: " + target);
  return std::move(*request);
}

Parsed<PollParams> parse(const std::string& target, const PollLimits& limits = kLimits) {
  return parse_poll_params(request_for(target), limits);
}

PollParams ok(const Parsed<PollParams>& parsed) {
  if (const auto* error = std::get_if<ApiError>(&parsed)) {
    ADD_FAILURE() << "unexpected error " << error->code << ": " << error->message;
    return {};
  }
  return std::get<PollParams>(parsed);
}

void expect_error(const Parsed<PollParams>& parsed, const std::string& code) {
  const auto* error = std::get_if<ApiError>(&parsed);
  ASSERT_NE(error, nullptr) << "expected " << code;
  EXPECT_EQ(error->status, http::status::bad_request);
  EXPECT_EQ(error->code, code);
  EXPECT_FALSE(error->message.empty());
}

TEST(PollApi, RequestViewDecodesPathAndQuery) {
  HttpRequest request = request_for("/api/history?channel=a&since=x:1&limit=5&channel=b");
  EXPECT_EQ(request.path(), "/api/history");
  EXPECT_EQ(request.param("channel"), "a");
  EXPECT_EQ(request.params("channel"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(request.param("since"), "x:1");
  EXPECT_FALSE(request.param("missing").has_value());
  EXPECT_EQ(request.remote(), boost::asio::ip::make_address("127.0.0.1"));
}

TEST(PollApi, ParsesChannelSinceAndLimit) {
  PollParams params = ok(parse("/api/history?channel=a&since=x:1&limit=5"));
  EXPECT_EQ(params.channel, "a");
  ASSERT_TRUE(params.since.has_value());
  EXPECT_EQ(params.since->text, "x:1");
  EXPECT_EQ(params.since->cursor, (Cursor{"x", 1}));
  EXPECT_EQ(params.limit, 5u);
  EXPECT_EQ(params.timeout, 25.0);
}

TEST(PollApi, ParsesTimeout) { EXPECT_EQ(ok(parse("/api/lp?channel=a&timeout=3")).timeout, 3.0); }

TEST(PollApi, Defaults) {
  PollLimits limits;
  limits.default_limit = 42;
  limits.default_timeout = 7;
  PollParams params = ok(parse("/api/lp?channel=room", limits));
  EXPECT_EQ(params.channel, "room");
  EXPECT_FALSE(params.since.has_value());
  EXPECT_EQ(params.limit, 42u);
  EXPECT_EQ(params.timeout, 7.0);
}

TEST(PollApi, EmptySinceMeansNone) {
  EXPECT_FALSE(ok(parse("/api/history?channel=a&since=")).since.has_value());
}

TEST(PollApi, UnparsableSinceIsKeptAsText) {
  PollParams params = ok(parse("/api/history?channel=a&since=garbage"));
  ASSERT_TRUE(params.since.has_value());
  EXPECT_EQ(params.since->text, "garbage");
  EXPECT_FALSE(params.since->cursor.has_value());
}

TEST(PollApi, MissingChannelIsAnInvalidField) {
  expect_error(parse("/api/history"), "invalid_field");
  expect_error(parse("/api/history?since=x:1&limit=5"), "invalid_field");
  expect_error(parse("/api/history?Channel=a"), "invalid_field");
}

TEST(PollApi, InvalidChannel) {
  for (const char* target :
       {"/api/history?channel=", "/api/history?channel", "/api/history?channel=a%20b",
        "/api/history?channel=a+b", "/api/history?channel=a%2Fb", "/api/history?channel=%C3%A9"})
    expect_error(parse(target), "invalid_channel");
  expect_error(parse("/api/history?channel=" + std::string(256, 'c')), "invalid_channel");
  EXPECT_EQ(ok(parse("/api/history?channel=" + std::string(255, 'c'))).channel, std::string(255, 'c'));
}

TEST(PollApi, PercentEncodedChannelIsDecoded) {
  EXPECT_EQ(ok(parse("/api/history?channel=a%3Ab%40c%3Dd")).channel, "a:b@c=d");
  EXPECT_EQ(ok(parse("/api/history?channel=%61")).channel, "a");
}

TEST(PollApi, PercentEncodedSinceIsDecoded) {
  PollParams params = ok(parse("/api/history?channel=a&since=abc%3A12"));
  ASSERT_TRUE(params.since.has_value());
  EXPECT_EQ(params.since->cursor, (Cursor{"abc", 12}));
}

TEST(PollApi, LimitIsClampedToTheMaximum) {
  PollLimits limits;
  limits.max_limit = 50;
  EXPECT_EQ(ok(parse("/api/history?channel=a&limit=50", limits)).limit, 50u);
  EXPECT_EQ(ok(parse("/api/history?channel=a&limit=51", limits)).limit, 50u);
  EXPECT_EQ(ok(parse("/api/history?channel=a&limit=1", limits)).limit, 1u);
  EXPECT_EQ(ok(parse("/api/history?channel=a&limit=5000")).limit, 1000u);
}

TEST(PollApi, AnyRunOfDigitsIsClamped) {
  EXPECT_EQ(ok(parse("/api/history?channel=a&limit=18446744073709551616")).limit, 1000u);
  EXPECT_EQ(ok(parse("/api/history?channel=a&limit=99999999999999999999999")).limit, 1000u);
  EXPECT_EQ(ok(parse("/api/history?channel=a&limit=" + std::string(400, '9'))).limit, 1000u);
  EXPECT_EQ(ok(parse("/api/history?channel=a&limit=007")).limit, 7u);
  expect_error(parse("/api/history?channel=a&limit=000"), "invalid_field");
}

TEST(PollApi, LimitZeroOrGarbageIsRejected) {
  for (const char* limit : {"0", "", "-1", "abc", "5x", "1.5", "%205", "+5", "0x10"})
    expect_error(parse(std::string("/api/history?channel=a&limit=") + limit), "invalid_field");
}

TEST(PollApi, TimeoutIsClampedToTheMaximum) {
  PollLimits limits;
  limits.max_timeout = 55;
  EXPECT_EQ(ok(parse("/api/lp?channel=a&timeout=55", limits)).timeout, 55.0);
  EXPECT_EQ(ok(parse("/api/lp?channel=a&timeout=56", limits)).timeout, 55.0);
  EXPECT_EQ(ok(parse("/api/lp?channel=a&timeout=1e9", limits)).timeout, 55.0);
  EXPECT_EQ(ok(parse("/api/lp?channel=a&timeout=2.5", limits)).timeout, 2.5);
  EXPECT_EQ(ok(parse("/api/lp?channel=a&timeout=0", limits)).timeout, 0.0);
}

TEST(PollApi, DefaultTimeoutIsClampedToo) {
  PollLimits limits;
  limits.default_timeout = 100;
  limits.max_timeout = 30;
  EXPECT_EQ(ok(parse("/api/lp?channel=a", limits)).timeout, 30.0);
}

TEST(PollApi, InvalidTimeoutIsRejected) {
  for (const char* timeout : {"", "-1", "soon", "5s", "1e999"})
    expect_error(parse(std::string("/api/lp?channel=a&timeout=") + timeout), "invalid_field");
}

TEST(PollApi, NotANumberTimeoutIsRejected) {
  // from_chars accepts "nan"; NaN passes `value < 0` and std::min, and would reach the long-poll timer.
  for (const char* timeout : {"nan", "NaN", "-nan"}) {
    auto parsed = parse(std::string("/api/lp?channel=a&timeout=") + timeout);
    if (const auto* params = std::get_if<PollParams>(&parsed)) {
      EXPECT_FALSE(std::isnan(params->timeout)) << timeout << " gave a NaN timeout";
    }
  }
}

TEST(PollApi, ResponseWithoutGap) {
  auto first = make_message("room", "k3j9x0aa", 1, 10, "message", "1");
  auto second = make_message("room", "k3j9x0aa", 2, 20, "update", R"({"a":"b"})");
  std::string body = poll_response_json("room", {first, second}, second->cursor(), std::nullopt, false);
  EXPECT_EQ(
      body,
      R"({"channel":"room","messages":[)"
      R"({"channel":"room","epoch":"k3j9x0aa","offset":1,"cursor":"k3j9x0aa:1","time":10,"event":"message","data":1},)"
      R"({"channel":"room","epoch":"k3j9x0aa","offset":2,"cursor":"k3j9x0aa:2","time":20,"event":"update",)"
      R"("data":{"a":"b"}}],"cursor":"k3j9x0aa:2","gap":null,"more":false})");
  json::value value = json::parse(body);
  EXPECT_EQ(value.at("messages").as_array().size(), 2u);
  EXPECT_TRUE(value.at("gap").is_null());
}

TEST(PollApi, EmptyResponse) {
  EXPECT_EQ(poll_response_json("c", {}, Cursor{"abc", 0}, std::nullopt, false),
            R"({"channel":"c","messages":[],"cursor":"abc:0","gap":null,"more":false})");
}

TEST(PollApi, ResponseWithGapAndMore) {
  auto m = make_message("c", "abc", 5, 1, "message", "null");
  Gap gap{"c", "old:1", Cursor{"abc", 4}};
  std::string body = poll_response_json("c", {m}, m->cursor(), gap, true);
  EXPECT_EQ(body,
            R"({"channel":"c","messages":[)" + m->envelope +
                R"(],"cursor":"abc:5","gap":{"channel":"c","requested":"old:1","continue_from":"abc:4"},)"
                R"("more":true})");
  json::value value = json::parse(body);
  EXPECT_EQ(value.at("gap").at("continue_from").as_string(), "abc:4");
  EXPECT_EQ(value.at("more"), json::value(true));
}

TEST(PollApi, GapRequestedTextIsEscaped) {
  Gap gap{"c", "bad\"cursor\\", Cursor{"abc", 0}};
  std::string body = poll_response_json("c", {}, Cursor{"abc", 0}, gap, false);
  json::value value = json::parse(body);
  EXPECT_EQ(value.at("gap").at("requested").as_string(), "bad\"cursor\\");
}

Parsed<LongPollParams> parse_long(const std::string& target, std::size_t max_channels = 4) {
  return parse_long_poll_params(request_for(target), kLimits, max_channels);
}

TEST(LongPollParams, OneChannelIsAPollWithACursor) {
  auto parsed = parse_long("/api/lp?channel=a&since=e1:5&timeout=3&limit=7");
  ASSERT_TRUE(std::holds_alternative<LongPollParams>(parsed));
  const auto& params = std::get<LongPollParams>(parsed);
  ASSERT_EQ(params.channels, std::vector<std::string>{"a"});
  ASSERT_TRUE(params.since[0] && params.since[0]->cursor);
  EXPECT_EQ(params.since[0]->cursor->to_string(), "e1:5");
  EXPECT_EQ(params.limit, 7u);
  EXPECT_EQ(params.timeout, 3);
}

TEST(LongPollParams, SeveralChannelsShareOneResumeToken) {
  auto both = parse_long("/api/lp?channel=a&channel=b&since=e1:5,e2:9");
  const auto& params = std::get<LongPollParams>(both);
  ASSERT_EQ(params.channels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(params.since[0]->cursor->to_string(), "e1:5");
  EXPECT_EQ(params.since[1]->cursor->to_string(), "e2:9");
  auto fresh_parsed = parse_long("/api/lp?channel=a&channel=b");
  const auto& fresh = std::get<LongPollParams>(fresh_parsed);
  EXPECT_FALSE(fresh.since[0]);
  EXPECT_FALSE(fresh.since[1]);
  // A token for another number of channels matches none of them: each resumes with a gap.
  auto mismatched_parsed = parse_long("/api/lp?channel=a&channel=b&since=e1:5");
  const auto& mismatched = std::get<LongPollParams>(mismatched_parsed);
  ASSERT_TRUE(mismatched.since[0]);
  EXPECT_FALSE(mismatched.since[0]->cursor);
}

TEST(LongPollParams, BadChannelListsAreErrors) {
  auto code = [](const Parsed<LongPollParams>& parsed) { return std::get<ApiError>(parsed).code; };
  EXPECT_EQ(code(parse_long("/api/lp")), "invalid_field");
  EXPECT_EQ(code(parse_long("/api/lp?channel=a&channel=a")), "invalid_channel");
  EXPECT_EQ(code(parse_long("/api/lp?channel=a&channel=b%20c")), "invalid_channel");
  EXPECT_EQ(code(parse_long("/api/lp?channel=a&channel=b&channel=c", 2)), "too_many_channels");
  EXPECT_EQ(code(parse_long("/api/lp?channel=a&timeout=x")), "invalid_field");
}

TEST(LongPollParams, SeveralChannelsAnswerWithOnePartEachAndAToken) {
  std::string a = poll_response_json("a", {}, Cursor{"e1", 5}, std::nullopt, false);
  std::string b = poll_response_json("b", {}, Cursor{"e2", 9}, std::nullopt, false);
  auto value = json::parse(multi_poll_response_json({a, b}, "e1:5,e2:9"));
  EXPECT_EQ(value.at("cursor"), "e1:5,e2:9");
  ASSERT_EQ(value.at("channels").as_array().size(), 2u);
  EXPECT_EQ(value.at("channels").at(0), json::parse(a));
  EXPECT_EQ(value.at("channels").at(1).at("channel"), "b");
}

}  // namespace
}  // namespace herald
