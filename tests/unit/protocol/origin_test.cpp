// Origin parsing: "scheme://host[:port]" exactly, lower-cased; everything else is not an origin.
#include "protocol/http/origin.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(Origin, ParsesSchemeHostAndPort) {
  auto origin = parse_origin("https://app.example.com:8443");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->scheme, "https");
  EXPECT_EQ(origin->host, "app.example.com");
  EXPECT_EQ(origin->port, "8443");
  EXPECT_EQ(origin->authority(), "app.example.com:8443");
}

TEST(Origin, PortIsOptional) {
  auto origin = parse_origin("http://localhost");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->port, "");
  EXPECT_EQ(origin->authority(), "localhost");
}

TEST(Origin, SchemeAndHostAreLowerCased) {
  auto origin = parse_origin("HTTP://LocalHost:3000");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->scheme, "http");
  EXPECT_EQ(origin->authority(), "localhost:3000");
}

TEST(Origin, IpAddresses) {
  EXPECT_EQ(parse_origin("http://127.0.0.1:9")->host, "127.0.0.1");
  EXPECT_EQ(parse_origin("http://[::1]:8080")->host, "[::1]");
  EXPECT_EQ(parse_origin("http://[::1]")->authority(), "[::1]");
  EXPECT_EQ(parse_origin("http://[2001:DB8::1]:1")->authority(), "[2001:db8::1]:1");
}

TEST(Origin, PortIsOneTo65535InDigits) {
  EXPECT_TRUE(parse_origin("http://h:1"));
  EXPECT_TRUE(parse_origin("http://h:65535"));
  for (std::string_view text : {"http://h:0", "http://h:65536", "http://h:99999", "http://h:",
                                "http://h:08080", "http://h:+80", "http://h:80a", "http://h:123456"})
    EXPECT_FALSE(parse_origin(text)) << text;
}

TEST(Origin, NothingMayFollowTheAuthority) {
  for (std::string_view text : {"http://localhost:19300.evil.com", "http://localhost:80/", "http://h/path",
                                "http://h?q", "http://h#f", "http://h:80 ", " http://h", "http://user@h",
                                "http://user:pass@h:80", "http://h:80:81", "http://127.0.0.1:1@evil.com"})
    EXPECT_FALSE(parse_origin(text)) << text;
}

TEST(Origin, OtherShapesAreNotOrigins) {
  for (std::string_view text :
       {"", "null", "localhost", "localhost:80", "http:/h", "http//h", "://h", "1http://h", "http://",
        "http://:80", "http://[::1", "http://[v1.x]", "http://ex%41mple.com", "http://a,b", "http://[::1]x"})
    EXPECT_FALSE(parse_origin(text)) << text;
}

}  // namespace
}  // namespace herald
