// The response head herald writes is byte for byte what Beast's serializer writes for the same response.
#include "protocol/http/response_head.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "protocol/http/api_error.hpp"

namespace herald {
namespace {

std::string beast_bytes(const HttpResponse& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

void expect_same_as_beast(const HttpResponse& response) {
  ASSERT_TRUE(writable_as_head_and_body(response));
  EXPECT_EQ(response_head(response) + response.body(), beast_bytes(response));
}

TEST(ResponseHead, JsonAnswerMatchesBeast) {
  auto response = json_response(http::status::ok, R"({"channel":"c","messages":[]})");
  response.keep_alive(true);
  response.set(http::field::server, "herald");
  expect_same_as_beast(response);
}

TEST(ResponseHead, ErrorWithExtraFieldsAndCloseMatchesBeast) {
  auto response = error_response({http::status::method_not_allowed, "method_not_allowed", "use GET"});
  response.set(http::field::allow, "GET, HEAD");
  response.set("Access-Control-Allow-Origin", "https://app.example");
  response.keep_alive(false);
  expect_same_as_beast(response);
  EXPECT_NE(response_head(response).find("\r\nConnection: close\r\n"), std::string::npos);
}

TEST(ResponseHead, Http10KeepAliveMatchesBeast) {
  auto response = json_response(http::status::not_found, "{}");
  response.version(10);
  response.set(http::field::connection, "keep-alive");
  expect_same_as_beast(response);
  EXPECT_EQ(response_head(response).rfind("HTTP/1.0 404 Not Found\r\n", 0), 0u);
}

TEST(ResponseHead, EmptyBodyAndCustomReason) {
  HttpResponse response{http::status::no_content, 11};
  response.reason("Nothing Here");
  response.prepare_payload();
  expect_same_as_beast(response);
  EXPECT_EQ(response_head(response).rfind("HTTP/1.1 204 Nothing Here\r\n", 0), 0u);
}

TEST(ResponseHead, ChunkedResponsesAreLeftToBeast) {
  HttpResponse response{http::status::ok, 11};
  response.chunked(true);
  EXPECT_FALSE(writable_as_head_and_body(response));
}

}  // namespace
}  // namespace herald
