// CORS decisions without sockets: which origins get a grant, with or without credentials, and the headers of
// answers and preflights.
#include "protocol/http/cors.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(Cors, ListedOriginsGetAGrantWithCredentials) {
  std::vector<std::string> allowed{"https://app.example.com", "http://localhost:3000"};
  auto grant = cors_grant(allowed, "HTTPS://APP.example.com");
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->origin, "HTTPS://APP.example.com");
  EXPECT_TRUE(grant->credentials);
  EXPECT_FALSE(cors_grant(allowed, "https://app.example.com.evil.net"));
  EXPECT_FALSE(cors_grant(allowed, ""));
  EXPECT_FALSE(cors_grant({}, "https://app.example.com"));
}

TEST(Cors, StarAllowsEveryOriginWithoutCredentialsButNotNull) {
  auto grant = cors_grant({"*"}, "https://anything.example");
  ASSERT_TRUE(grant);
  EXPECT_FALSE(grant->credentials);
  EXPECT_FALSE(cors_grant({"*"}, "null"));
  EXPECT_TRUE(cors_grant({"*", "https://a.example"}, "https://a.example")->credentials);
}

TEST(Cors, OnlyTheApiAndSseTakePart) {
  EXPECT_TRUE(is_cors_route(Route::publish));
  EXPECT_TRUE(is_cors_route(Route::history));
  EXPECT_TRUE(is_cors_route(Route::longpoll));
  EXPECT_TRUE(is_cors_route(Route::sse));
  EXPECT_FALSE(is_cors_route(Route::websocket));
  EXPECT_FALSE(is_cors_route(Route::metrics));
  EXPECT_FALSE(is_cors_route(Route::web_page));
}

TEST(Cors, PreflightNamesMethodsHeadersAndMaxAge) {
  HttpResponse response = preflight_response({"https://a.example", true}, "GET, HEAD");
  EXPECT_EQ(response.result(), http::status::no_content);
  EXPECT_EQ(response[http::field::access_control_allow_origin], "https://a.example");
  EXPECT_EQ(response[http::field::access_control_allow_credentials], "true");
  EXPECT_EQ(response[http::field::access_control_allow_methods], "GET, HEAD");
  EXPECT_EQ(response[http::field::access_control_allow_headers],
            "Authorization, Content-Type, Idempotency-Key, Last-Event-ID");
  EXPECT_EQ(response[http::field::access_control_max_age], "600");
  EXPECT_EQ(response[http::field::vary], "Origin");

  HttpResponse plain{http::status::ok, 11};
  apply_cors(plain, {"https://b.example", false});
  EXPECT_EQ(plain[http::field::access_control_allow_origin], "https://b.example");
  EXPECT_EQ(plain.count(http::field::access_control_allow_credentials), 0u);
}

TEST(Cors, HeaderLinesForAHandWrittenHeadMatchTheResponseHeaders) {
  EXPECT_EQ(cors_header_lines({"https://a.example", true}),
            "Access-Control-Allow-Origin: https://a.example\r\nAccess-Control-Allow-Credentials: true\r\n"
            "Vary: Origin\r\n");
  EXPECT_EQ(cors_header_lines({"https://b.example", false}),
            "Access-Control-Allow-Origin: https://b.example\r\nVary: Origin\r\n");
}

}  // namespace
}  // namespace herald
