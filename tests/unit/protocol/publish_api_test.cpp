// Publish API wire format: single and batch bodies, every error code, raw publish by content type, results.
#include "protocol/http/publish_api.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace herald {
namespace {
namespace json = boost::json;

const PublishLimits kLimits{};

// The parsed value (a copy, so it outlives the temporary result), or an empty one after a test failure.
template <typename T>
T ok(const Parsed<T>& parsed) {
  if (const auto* error = std::get_if<ApiError>(&parsed)) {
    ADD_FAILURE() << "unexpected error " << error->code << ": " << error->message;
    return T{};
  }
  return std::get<T>(parsed);
}

template <typename T>
ApiError error_of(const Parsed<T>& parsed) {
  const auto* error = std::get_if<ApiError>(&parsed);
  if (error == nullptr) {
    ADD_FAILURE() << "expected an error";
    return {http::status::ok, "", ""};
  }
  return *error;
}

void expect_error(const Parsed<PublishBatch>& parsed, http::status status, const std::string& code) {
  ApiError error = error_of(parsed);
  EXPECT_EQ(error.status, status);
  EXPECT_EQ(error.code, code);
  EXPECT_FALSE(error.message.empty());
}

void expect_error(const Parsed<PublishRequest>& parsed, http::status status, const std::string& code) {
  ApiError error = error_of(parsed);
  EXPECT_EQ(error.status, status);
  EXPECT_EQ(error.code, code);
  EXPECT_FALSE(error.message.empty());
}

// A JSON string value whose serialized form is exactly `bytes` long.
std::string string_data_of_size(std::size_t bytes) { return "\"" + std::string(bytes - 2, 'x') + "\""; }

TEST(PublishApi, SingleMessageWithDefaults) {
  const auto& batch = ok(parse_publish_body(R"({"channel":"room","data":{"n":1}})", kLimits));
  EXPECT_FALSE(batch.is_batch);
  ASSERT_EQ(batch.messages.size(), 1u);
  const PublishRequest& request = batch.messages[0];
  EXPECT_EQ(request.channel, "room");
  EXPECT_EQ(request.event, "message");
  EXPECT_EQ(request.data_json, R"({"n":1})");
  EXPECT_EQ(request.idempotency_key, "");
}

TEST(PublishApi, SingleMessageWithEventAndIdempotencyKey) {
  const auto& batch = ok(parse_publish_body(
      R"({"channel":"a:b","data":"hi","event":"update","idempotency_key":"key-1"})", kLimits));
  ASSERT_EQ(batch.messages.size(), 1u);
  EXPECT_EQ(batch.messages[0].channel, "a:b");
  EXPECT_EQ(batch.messages[0].event, "update");
  EXPECT_EQ(batch.messages[0].data_json, R"("hi")");
  EXPECT_EQ(batch.messages[0].idempotency_key, "key-1");
}

TEST(PublishApi, NullEventAndKeyMeanAbsent) {
  const auto& batch =
      ok(parse_publish_body(R"({"channel":"c","data":1,"event":null,"idempotency_key":null})", kLimits));
  ASSERT_EQ(batch.messages.size(), 1u);
  EXPECT_EQ(batch.messages[0].event, "message");
  EXPECT_EQ(batch.messages[0].idempotency_key, "");
}

TEST(PublishApi, AnyJsonValueIsData) {
  for (const char* data : {"null", "true", "0", "-12", R"("")", "[]", "{}", R"([1,{"a":[null]}])"}) {
    std::string body = std::string(R"({"channel":"c","data":)") + data + "}";
    const auto& batch = ok(parse_publish_body(body, kLimits));
    ASSERT_EQ(batch.messages.size(), 1u) << data;
    EXPECT_EQ(json::parse(batch.messages[0].data_json), json::parse(data)) << data;
  }
}

TEST(PublishApi, DataIsReserializedCompactly) {
  const auto& batch =
      ok(parse_publish_body("{ \"channel\" : \"c\" ,\n \"data\" : { \"a\" : [ 1 , 2 ] } }", kLimits));
  ASSERT_EQ(batch.messages.size(), 1u);
  EXPECT_EQ(batch.messages[0].data_json, R"({"a":[1,2]})");
}

TEST(PublishApi, BatchKeepsOrder) {
  const auto& batch = ok(parse_publish_body(
      R"({"messages":[{"channel":"a","data":1},{"channel":"b","data":2,"event":"x"},{"channel":"a","data":3}]})",
      kLimits));
  EXPECT_TRUE(batch.is_batch);
  ASSERT_EQ(batch.messages.size(), 3u);
  EXPECT_EQ(batch.messages[0].channel, "a");
  EXPECT_EQ(batch.messages[0].data_json, "1");
  EXPECT_EQ(batch.messages[1].channel, "b");
  EXPECT_EQ(batch.messages[1].event, "x");
  EXPECT_EQ(batch.messages[1].data_json, "2");
  EXPECT_EQ(batch.messages[2].channel, "a");
  EXPECT_EQ(batch.messages[2].data_json, "3");
}

TEST(PublishApi, BatchOfOneIsStillABatch) {
  const auto& batch = ok(parse_publish_body(R"({"messages":[{"channel":"a","data":1}]})", kLimits));
  EXPECT_TRUE(batch.is_batch);
  EXPECT_EQ(batch.messages.size(), 1u);
}

std::string batch_of(std::size_t count) {
  std::string body = R"({"messages":[)";
  for (std::size_t i = 0; i < count; ++i)
    body += (i ? "," : "") + std::string(R"({"channel":"c","data":)") + std::to_string(i) + "}";
  return body + "]}";
}

TEST(PublishApi, BatchUpToMaxBatch) {
  PublishLimits limits;
  limits.max_batch = 3;
  EXPECT_EQ(ok(parse_publish_body(batch_of(3), limits)).messages.size(), 3u);
  expect_error(parse_publish_body(batch_of(4), limits), http::status::bad_request, "invalid_field");
  EXPECT_EQ(ok(parse_publish_body(batch_of(100), kLimits)).messages.size(), 100u);
  expect_error(parse_publish_body(batch_of(101), kLimits), http::status::bad_request, "invalid_field");
}

TEST(PublishApi, EmptyOrNonArrayBatchIsRejected) {
  expect_error(parse_publish_body(R"({"messages":[]})", kLimits), http::status::bad_request, "invalid_field");
  expect_error(parse_publish_body(R"({"messages":{}})", kLimits), http::status::bad_request, "invalid_field");
  expect_error(parse_publish_body(R"({"messages":null})", kLimits), http::status::bad_request,
               "invalid_field");
  expect_error(parse_publish_body(R"({"messages":[1]})", kLimits), http::status::bad_request,
               "invalid_field");
}

TEST(PublishApi, OneInvalidItemRejectsTheWholeBatchAndNamesIt) {
  auto parsed =
      parse_publish_body(R"({"messages":[{"channel":"a","data":1},{"channel":"a b","data":2}]})", kLimits);
  ApiError error = error_of(parsed);
  EXPECT_EQ(error.status, http::status::bad_request);
  EXPECT_EQ(error.code, "invalid_channel");
  EXPECT_EQ(error.message.rfind("messages[1]", 0), 0u) << error.message;
}

TEST(PublishApi, BadJson) {
  for (const char* body : {"", "{", "{\"channel\":\"c\",\"data\":}", "not json",
                           "{\"channel\":\"c\"} trailing", "{'channel':'c','data':1}"})
    expect_error(parse_publish_body(body, kLimits), http::status::bad_request, "bad_json");
}

TEST(PublishApi, BodyMustBeAnObject) {
  for (const char* body : {"[]", "1", "\"text\"", "null"})
    expect_error(parse_publish_body(body, kLimits), http::status::bad_request, "invalid_field");
}

TEST(PublishApi, MissingOrNonStringChannelIsAnInvalidField) {
  for (const char* body : {R"({"data":1})", R"({"channel":1,"data":1})", R"({"channel":null,"data":1})",
                           R"({"channel":["a"],"data":1})"})
    expect_error(parse_publish_body(body, kLimits), http::status::bad_request, "invalid_field");
}

TEST(PublishApi, MissingDataIsAnInvalidField) {
  expect_error(parse_publish_body(R"({"channel":"c"})", kLimits), http::status::bad_request, "invalid_field");
  // An explicit null is data.
  EXPECT_EQ(ok(parse_publish_body(R"({"channel":"c","data":null})", kLimits)).messages.at(0).data_json,
            "null");
}

TEST(PublishApi, NonStringEventOrKeyIsAnInvalidField) {
  for (const char* body : {R"({"channel":"c","data":1,"event":5})", R"({"channel":"c","data":1,"event":{}})",
                           R"({"channel":"c","data":1,"idempotency_key":7})",
                           R"({"channel":"c","data":1,"idempotency_key":true})"})
    expect_error(parse_publish_body(body, kLimits), http::status::bad_request, "invalid_field");
}

TEST(PublishApi, InvalidChannel) {
  for (const char* body : {R"({"channel":"","data":1})", R"({"channel":"a b","data":1})",
                           R"({"channel":"a/b","data":1})", R"({"channel":"caf\u00e9","data":1})"})
    expect_error(parse_publish_body(body, kLimits), http::status::bad_request, "invalid_channel");
  std::string long_channel = R"({"channel":")" + std::string(256, 'c') + R"(","data":1})";
  expect_error(parse_publish_body(long_channel, kLimits), http::status::bad_request, "invalid_channel");
}

TEST(PublishApi, InvalidEvent) {
  for (const char* body :
       {R"({"channel":"c","data":1,"event":"gap"})", R"({"channel":"c","data":1,"event":"close"})",
        R"({"channel":"c","data":1,"event":"a b"})", R"({"channel":"c","data":1,"event":"line\nbreak"})"})
    expect_error(parse_publish_body(body, kLimits), http::status::bad_request, "invalid_event");
  std::string long_event = R"({"channel":"c","data":1,"event":")" + std::string(65, 'e') + R"("})";
  expect_error(parse_publish_body(long_event, kLimits), http::status::bad_request, "invalid_event");
  std::string max_event = R"({"channel":"c","data":1,"event":")" + std::string(64, 'e') + R"("})";
  EXPECT_EQ(ok(parse_publish_body(max_event, kLimits)).messages.at(0).event, std::string(64, 'e'));
}

TEST(PublishApi, IdempotencyKeyUpTo128Bytes) {
  std::string at_limit = R"({"channel":"c","data":1,"idempotency_key":")" + std::string(128, 'k') + R"("})";
  EXPECT_EQ(ok(parse_publish_body(at_limit, kLimits)).messages.at(0).idempotency_key, std::string(128, 'k'));
  std::string over = R"({"channel":"c","data":1,"idempotency_key":")" + std::string(129, 'k') + R"("})";
  expect_error(parse_publish_body(over, kLimits), http::status::bad_request, "invalid_field");
}

TEST(PublishApi, DataAtExactlyTheLimitIsAccepted) {
  PublishLimits limits;
  limits.max_message_bytes = 100;
  std::string data = string_data_of_size(100);
  auto parsed = parse_publish_body(R"({"channel":"c","data":)" + data + "}", limits);
  EXPECT_EQ(ok(parsed).messages.at(0).data_json, data);
}

TEST(PublishApi, DataOneByteOverTheLimitIsTooLarge) {
  PublishLimits limits;
  limits.max_message_bytes = 100;
  auto parsed = parse_publish_body(R"({"channel":"c","data":)" + string_data_of_size(101) + "}", limits);
  expect_error(parsed, http::status::payload_too_large, "too_large");
}

TEST(PublishApi, SizeLimitCountsTheSerializedData) {
  PublishLimits limits;
  limits.max_message_bytes = 7;
  // Whitespace in the body does not count: the data is serialized to [1,2,3] (7 bytes).
  EXPECT_EQ(
      ok(parse_publish_body(R"({"channel":"c","data":[ 1 , 2 , 3 ]})", limits)).messages.at(0).data_json,
      "[1,2,3]");
  expect_error(parse_publish_body(R"({"channel":"c","data":[1,2,3,4]})", limits),
               http::status::payload_too_large, "too_large");
}

TEST(PublishApi, DefaultMessageLimitIs64KiB) {
  EXPECT_EQ(kLimits.max_message_bytes, 65536u);
  EXPECT_EQ(kLimits.max_batch, 100u);
  auto at_limit = parse_publish_body(R"({"channel":"c","data":)" + string_data_of_size(65536) + "}", kLimits);
  EXPECT_EQ(ok(at_limit).messages.at(0).data_json.size(), 65536u);
  auto over = parse_publish_body(R"({"channel":"c","data":)" + string_data_of_size(65537) + "}", kLimits);
  expect_error(over, http::status::payload_too_large, "too_large");
}

TEST(PublishApi, TooLargeItemInABatch) {
  PublishLimits limits;
  limits.max_message_bytes = 10;
  auto parsed = parse_publish_body(
      R"({"messages":[{"channel":"c","data":1},{"channel":"c","data":)" + string_data_of_size(11) + "}]}",
      limits);
  expect_error(parsed, http::status::payload_too_large, "too_large");
}

TEST(PublishApi, RawJsonBody) {
  const auto& request = ok(parse_raw_publish("room", "application/json", R"( {"a" : [1, 2]} )", std::nullopt,
                                             std::nullopt, kLimits));
  EXPECT_EQ(request.channel, "room");
  EXPECT_EQ(request.event, "message");
  EXPECT_EQ(request.data_json, R"({"a":[1,2]})");
  EXPECT_EQ(request.idempotency_key, "");
}

TEST(PublishApi, RawJsonContentTypeVariants) {
  for (const char* type :
       {"application/json", "application/json; charset=utf-8", "Application/JSON",
        "application/vnd.x+json; charset=utf-8", "application/ld+json", "application/json ;x=y"}) {
    const auto& request = ok(parse_raw_publish("room", type, "[1,2]", std::nullopt, std::nullopt, kLimits));
    EXPECT_EQ(request.data_json, "[1,2]") << type;
  }
}

TEST(PublishApi, RawBadJsonWithJsonContentType) {
  expect_error(parse_raw_publish("room", "application/json", "{nope", std::nullopt, std::nullopt, kLimits),
               http::status::bad_request, "bad_json");
  expect_error(parse_raw_publish("room", "application/vnd.x+json; charset=utf-8", "", std::nullopt,
                                 std::nullopt, kLimits),
               http::status::bad_request, "bad_json");
}

TEST(PublishApi, RawTextBodyBecomesAJsonString) {
  const auto& request =
      ok(parse_raw_publish("room", "text/plain", "line \"1\"\nline 2", std::nullopt, std::nullopt, kLimits));
  EXPECT_EQ(request.data_json, R"("line \"1\"\nline 2")");
  EXPECT_EQ(json::parse(request.data_json).as_string(), "line \"1\"\nline 2");
}

TEST(PublishApi, RawBodyThatLooksLikeJsonStaysTextWithoutAJsonContentType) {
  for (const char* type : {"text/plain", "", "application/octet-stream", "application/jsonx", "+json"}) {
    const auto& request =
        ok(parse_raw_publish("room", type, "{\"a\":1}", std::nullopt, std::nullopt, kLimits));
    EXPECT_EQ(request.data_json, R"("{\"a\":1}")") << type;
  }
}

TEST(PublishApi, RawTextKeepsValidUtf8) {
  const auto& request =
      ok(parse_raw_publish("room", "text/plain", "caf\xC3\xA9", std::nullopt, std::nullopt, kLimits));
  EXPECT_EQ(json::parse(request.data_json).as_string(), "caf\xC3\xA9");
}

TEST(PublishApi, RawTextMustBeValidUtf8) {
  for (const char* body : {"\xFF", "ab\xC3", "\xC0\x80", "\xED\xA0\x80"})
    expect_error(parse_raw_publish("room", "text/plain", body, std::nullopt, std::nullopt, kLimits),
                 http::status::bad_request, "invalid_field");
}

TEST(PublishApi, RawEventAndIdempotencyKey) {
  const auto& request = ok(parse_raw_publish("room", "text/plain", "x", "update", "k-9", kLimits));
  EXPECT_EQ(request.event, "update");
  EXPECT_EQ(request.idempotency_key, "k-9");
}

TEST(PublishApi, RawValidatesChannelEventAndKey) {
  expect_error(parse_raw_publish("a b", "text/plain", "x", std::nullopt, std::nullopt, kLimits),
               http::status::bad_request, "invalid_channel");
  expect_error(parse_raw_publish("", "text/plain", "x", std::nullopt, std::nullopt, kLimits),
               http::status::bad_request, "invalid_channel");
  expect_error(parse_raw_publish("room", "text/plain", "x", "gap", std::nullopt, kLimits),
               http::status::bad_request, "invalid_event");
  expect_error(parse_raw_publish("room", "text/plain", "x", "close", std::nullopt, kLimits),
               http::status::bad_request, "invalid_event");
  expect_error(parse_raw_publish("room", "text/plain", "x", std::nullopt, std::string(129, 'k'), kLimits),
               http::status::bad_request, "invalid_field");
  expect_error(parse_raw_publish("room", "text/plain", "x", std::nullopt, "\xFF", kLimits),
               http::status::bad_request, "invalid_field");
}

TEST(PublishApi, RawEmptyEventOrKeyIsRejected) {
  expect_error(parse_raw_publish("room", "text/plain", "x", "", std::nullopt, kLimits),
               http::status::bad_request, "invalid_event");
  expect_error(parse_raw_publish("room", "text/plain", "x", std::nullopt, "", kLimits),
               http::status::bad_request, "invalid_field");
}

TEST(PublishApi, RawKeyErrorsNameTheHeader) {
  for (std::string key : {std::string(129, 'k'), std::string("\xFF"), std::string()}) {
    auto parsed = parse_raw_publish("room", "text/plain", "x", std::nullopt, key, kLimits);
    ASSERT_TRUE(std::holds_alternative<ApiError>(parsed));
    EXPECT_NE(std::get<ApiError>(parsed).message.find("Idempotency-Key header"), std::string::npos)
        << std::get<ApiError>(parsed).message;
  }
}

TEST(PublishApi, BodyKeyErrorsNameTheField) {
  auto parsed = parse_publish_body(R"({"channel":"c","data":1,"idempotency_key":""})", kLimits);
  ASSERT_TRUE(std::holds_alternative<ApiError>(parsed));
  EXPECT_EQ(std::get<ApiError>(parsed).message.rfind("idempotency_key", 0), 0u);
}

TEST(PublishApi, RawSizeLimit) {
  PublishLimits limits;
  limits.max_message_bytes = 10;
  // Text "12345678" serializes to 10 bytes with its quotes.
  EXPECT_EQ(
      ok(parse_raw_publish("room", "text/plain", "12345678", std::nullopt, std::nullopt, limits)).data_json,
      "\"12345678\"");
  expect_error(parse_raw_publish("room", "text/plain", "123456789", std::nullopt, std::nullopt, limits),
               http::status::payload_too_large, "too_large");
  EXPECT_EQ(
      ok(parse_raw_publish("room", "application/json", "1234567890", std::nullopt, std::nullopt, limits))
          .data_json,
      "1234567890");
  expect_error(
      parse_raw_publish("room", "application/json", "[1,2,3,4,5]", std::nullopt, std::nullopt, limits),
      http::status::payload_too_large, "too_large");
}

TEST(PublishApi, ResultJsonHasEveryFieldInOrder) {
  PublishResult outcome;
  outcome.cursor = {"k3j9x0aa", 7};
  EXPECT_EQ(publish_result_json("room", outcome),
            R"({"channel":"room","epoch":"k3j9x0aa","offset":7,"cursor":"k3j9x0aa:7","duplicate":false})");
  outcome.duplicate = true;
  json::value value = json::parse(publish_result_json("room", outcome));
  EXPECT_EQ(value.at("duplicate"), json::value(true));
  EXPECT_EQ(value.at("offset").to_number<std::uint64_t>(), 7u);
  EXPECT_EQ(value.at("cursor").as_string(), "k3j9x0aa:7");
}

TEST(PublishApi, ResultJsonOfAFreshPosition) {
  PublishResult outcome;
  outcome.cursor = {"abc", 0};
  EXPECT_EQ(publish_result_json("c", outcome),
            R"({"channel":"c","epoch":"abc","offset":0,"cursor":"abc:0","duplicate":false})");
}

TEST(PublishApi, RefusalJsonNamesTheChannelAndTheError) {
  ApiError refusal{http::status::service_unavailable, "unavailable", "channel \"limit\" reached"};
  EXPECT_EQ(publish_refusal_json("room", refusal),
            R"({"channel":"room","error":{"code":"unavailable","message":"channel \"limit\" reached"}})");
}

TEST(PublishApi, BatchResultsJsonKeepsTheOrderAndLeadsWithTheFirstRefusal) {
  std::vector<std::string> results{R"({"channel":"a"})", R"({"channel":"b","error":{}})"};
  EXPECT_EQ(batch_results_json(results, nullptr),
            R"({"results":[{"channel":"a"},{"channel":"b","error":{}}]})");
  ApiError refusal{http::status::service_unavailable, "engine_unavailable", "down"};
  json::value value = json::parse(batch_results_json(results, &refusal));
  EXPECT_EQ(value.at("error").at("code").as_string(), "engine_unavailable");
  EXPECT_EQ(value.at("error").at("message").as_string(), "down");
  ASSERT_EQ(value.at("results").as_array().size(), 2u);
  EXPECT_EQ(value.at("results").as_array()[1].at("channel").as_string(), "b");
}

}  // namespace
}  // namespace herald
