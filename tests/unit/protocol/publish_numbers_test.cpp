// Numbers on every publish path (single, batch, raw JSON body, WebSocket publish command): a number that
// cannot be carried exactly is refused with invalid_number, and finite doubles pass unchanged in value.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <string>

#include "protocol/http/publish_api.hpp"
#include "protocol/ws/commands.hpp"

namespace herald {
namespace {
namespace json = boost::json;

const PublishLimits kLimits{};

template <typename T>
std::string error_code_of(const Parsed<T>& parsed) {
  const auto* error = std::get_if<ApiError>(&parsed);
  return error == nullptr ? "(no error)" : error->code;
}

std::string single_body(const std::string& data) { return R"({"channel":"c1","data":)" + data + "}"; }

std::string raw_json_data(const std::string& body) {
  auto parsed = parse_raw_publish("c1", "application/json", body, std::nullopt, std::nullopt, kLimits);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return "error " + error->code;
  return std::get<PublishRequest>(parsed).data_json;
}

TEST(PublishNumbers, SingleRefusesNumbersOutOfRange) {
  for (std::string data : {"1e999999", "-1e400", "123456789012345678901234567890", "{\"a\":[1,2e-400]}"})
    EXPECT_EQ(error_code_of(parse_publish_body(single_body(data), kLimits)), "invalid_number") << data;
}

TEST(PublishNumbers, ErrorMessageNamesTheNumber) {
  auto parsed = parse_publish_body(single_body("123456789012345678901234567890"), kLimits);
  ASSERT_TRUE(std::holds_alternative<ApiError>(parsed));
  const ApiError& error = std::get<ApiError>(parsed);
  EXPECT_EQ(error.status, http::status::bad_request);
  EXPECT_NE(error.message.find("123456789012345678901234567890"), std::string::npos);
}

TEST(PublishNumbers, BatchRefusesANumberOutOfRangeInAnyItem) {
  std::string body = R"({"messages":[{"channel":"a","data":1},{"channel":"b","data":[1e999999]}]})";
  EXPECT_EQ(error_code_of(parse_publish_body(body, kLimits)), "invalid_number");
}

TEST(PublishNumbers, RawJsonBodyRefusesNumbersOutOfRange) {
  EXPECT_EQ(raw_json_data("1e999999"), "error invalid_number");
  EXPECT_EQ(raw_json_data("[18446744073709551616]"), "error invalid_number");
}

TEST(PublishNumbers, RawTextBodyIsAStringWhateverItSays) {
  auto parsed = parse_raw_publish("c1", "text/plain", "1e999999", std::nullopt, std::nullopt, kLimits);
  ASSERT_TRUE(std::holds_alternative<PublishRequest>(parsed));
  EXPECT_EQ(std::get<PublishRequest>(parsed).data_json, "\"1e999999\"");
}

std::string published_data(const std::string& data) {
  auto parsed = parse_publish_body(single_body(data), kLimits);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return "error " + error->code;
  return std::get<PublishBatch>(parsed).messages[0].data_json;
}

TEST(PublishNumbers, SixtyFourBitIntegersPassUnchanged) {
  for (std::string data : {"18446744073709551615", "-9223372036854775808", "0", "[1,-2]"})
    EXPECT_EQ(published_data(data), data);
}

TEST(PublishNumbers, FiniteDoublesKeepTheirValue) {
  for (std::string data : {"1.5", "1e300", "-0.0", "2.2250738585072011e-308", "4.9e-324", "0.1"}) {
    std::string sent = published_data(data);
    // strtod rounds correctly: the serialized number denotes the double nearest to what was written.
    EXPECT_EQ(std::strtod(sent.c_str(), nullptr), std::strtod(data.c_str(), nullptr))
        << data << " -> " << sent;
    EXPECT_EQ(std::signbit(std::strtod(sent.c_str(), nullptr)), data.starts_with('-')) << data;
  }
}

TEST(PublishNumbers, WebSocketPublishRefusesNumbersOutOfRangeAndEchoesTheId) {
  auto parsed = ws::parse_command(R"({"id":9,"op":"publish","channel":"c1","data":1e999999})", kLimits);
  ASSERT_TRUE(std::holds_alternative<ws::CommandError>(parsed));
  const ws::CommandError& error = std::get<ws::CommandError>(parsed);
  EXPECT_EQ(error.id, "9");
  EXPECT_EQ(error.error.code, "invalid_number");
}

TEST(PublishNumbers, WebSocketIdOutOfRangeIsAnsweredWithANullId) {
  auto parsed = ws::parse_command(R"({"id":1e999,"op":"ping"})", kLimits);
  ASSERT_TRUE(std::holds_alternative<ws::CommandError>(parsed));
  EXPECT_EQ(std::get<ws::CommandError>(parsed).id, "null");
  EXPECT_EQ(std::get<ws::CommandError>(parsed).error.code, "invalid_number");
}

}  // namespace
}  // namespace herald
