// The WebSocket handshake's origin check reads origins with the strict parser: an origin whose port part
// is not a port (or that has anything after its authority) is not a loopback or same-host origin.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/ws/handshake.hpp"

namespace herald::ws {
namespace {

const std::vector<std::string> kNone;

TEST(WsOriginCheck, APortThatIsNotDigitsIsNoLoopbackOrigin) {
  for (std::string_view origin :
       {"http://localhost:19300.evil.com", "http://127.0.0.1:80.evil.com", "http://[::1]:1.evil.com",
        "http://localhost:3000@evil.com", "http://localhost:", "http://localhost:0", "http://localhost:65536",
        "http://localhost:3000/", "http://localhost:3000/x"})
    EXPECT_FALSE(is_origin_allowed(origin, "herald.example.com", kNone)) << origin;
}

TEST(WsOriginCheck, APortThatIsNotDigitsIsNoSameHostOrigin) {
  EXPECT_FALSE(
      is_origin_allowed("http://herald.example.com:8080.evil.com", "herald.example.com:8080", kNone));
  EXPECT_FALSE(is_origin_allowed("http://herald.example.com:8080/", "herald.example.com:8080", kNone));
}

TEST(WsOriginCheck, RealLoopbackAndSameHostOriginsStillPass) {
  EXPECT_TRUE(is_origin_allowed("http://localhost:19300", "herald.example.com", kNone));
  EXPECT_TRUE(is_origin_allowed("https://herald.example.com:8080", "herald.example.com:8080", kNone));
}

TEST(WsOriginCheck, OnlyWebSchemes) {
  EXPECT_FALSE(is_origin_allowed("ftp://localhost:21", "herald.example.com", kNone));
  EXPECT_FALSE(is_origin_allowed("chrome-extension://abc", "abc", kNone));
}

TEST(WsOriginCheck, TheHandshakeRefusesTheseOrigins) {
  http::request<http::string_body> message{http::verb::get, "/api/ws", 11};
  message.set(http::field::host, "127.0.0.1:8080");
  message.set(http::field::upgrade, "websocket");
  message.set(http::field::connection, "Upgrade");
  message.set(http::field::sec_websocket_version, "13");
  message.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  message.set(http::field::origin, "http://localhost:19300.evil.com");
  auto request = HttpRequest::from(std::move(message), {});
  ASSERT_TRUE(request);
  auto result = accept_handshake(*request, {false, &kNone});
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(result));
  EXPECT_EQ(std::get<HttpResponse>(result).result(), http::status::forbidden);
}

}  // namespace
}  // namespace herald::ws
