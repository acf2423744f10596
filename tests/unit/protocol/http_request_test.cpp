// The request view: origin-form and absolute-form targets, decoded path and query, and NUL in the path.
#include "protocol/http/http_request.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

std::optional<HttpRequest> request_for(std::string_view target, std::string_view host = "127.0.0.1:8080") {
  http::request<http::string_body> message{http::verb::get, target, 11};
  if (!host.empty()) message.set(http::field::host, host);
  return HttpRequest::from(std::move(message), boost::asio::ip::make_address("127.0.0.1"));
}

TEST(HttpRequest, OriginForm) {
  auto request = request_for("/api/history?channel=a%20b&limit=5");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->path(), "/api/history");
  EXPECT_EQ(request->param("channel"), "a b");
  EXPECT_EQ(request->param("limit"), "5");
  EXPECT_EQ(request->header(http::field::host), "127.0.0.1:8080");
}

TEST(HttpRequest, AbsoluteFormUsesThePathQueryAndAuthority) {
  auto request = request_for("http://127.0.0.1:9000/api/history?channel=c", "ignored.example");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->path(), "/api/history");
  EXPECT_EQ(request->param("channel"), "c");
  EXPECT_EQ(request->header(http::field::host), "127.0.0.1:9000");
}

TEST(HttpRequest, AbsoluteFormWithoutAPathIsTheRoot) {
  auto request = request_for("HTTP://herald.example.com");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->path(), "/");
  EXPECT_EQ(request->header(http::field::host), "herald.example.com");
  EXPECT_EQ(request_for("https://h:1?x=1")->param("x"), "1");
}

TEST(HttpRequest, OtherTargetsAreRefused) {
  for (std::string_view target :
       {"*", "127.0.0.1:8080", "ftp://h/x", "http:///x", "http://user@h/x", "x/y", "", "/a b"})
    EXPECT_FALSE(request_for(target)) << target;
}

TEST(HttpRequest, ANulInTheDecodedPathIsRefused) {
  EXPECT_FALSE(request_for("/index.html%00.js"));
  EXPECT_FALSE(request_for("/%00"));
  EXPECT_FALSE(request_for("http://h/a%00b"));
  EXPECT_TRUE(request_for("/api/history?channel=%00"));  // a query value is not a path
}

}  // namespace
}  // namespace herald
