// Request head checks: Transfer-Encoding and Content-Length (RFC 9112 section 6) and Host (section 3.2).
#include "protocol/http/request_head.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

namespace herald {
namespace {

using Fields = std::initializer_list<std::pair<std::string_view, std::string_view>>;

http::request_header<> head(Fields fields, unsigned version = 11) {
  http::request_header<> header;
  header.method(http::verb::post);
  header.target("/api/publish");
  header.version(version);
  for (const auto& [name, value] : fields) header.insert(name, value);
  return header;
}

// The status of the refusal, or 200 when the head passes.
unsigned verdict(Fields fields, unsigned version = 11) {
  auto error = check_request_head(head(fields, version));
  return error ? static_cast<unsigned>(error->status) : 200;
}

TEST(RequestHead, PlainRequestsPass) {
  EXPECT_EQ(verdict({{"Host", "127.0.0.1:8080"}}), 200u);
  EXPECT_EQ(verdict({{"Host", "127.0.0.1:8080"}, {"Content-Length", "12"}}), 200u);
  EXPECT_EQ(verdict({{"Host", "herald.example.com"}}), 200u);
  EXPECT_EQ(verdict({{"Host", "[::1]:8080"}}), 200u);
  EXPECT_EQ(verdict({{"Host", ""}}), 200u);
}

TEST(RequestHead, ChunkedAlonePasses) {
  EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", "chunked"}}), 200u);
  EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", "Chunked"}}), 200u);
  EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", " chunked ,"}}), 200u);
}

TEST(RequestHead, ALastCodingOtherThanChunkedIsRefused) {
  for (std::string_view coding : {"xchunked", "chunked, identity", "gzip", "identity", "chunkedx", "", ","})
    EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", coding}}), 400u) << coding;
}

TEST(RequestHead, CodingsBeforeChunkedAreNotImplemented) {
  EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", "gzip, chunked"}}), 501u);
  EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}}), 501u);
}

TEST(RequestHead, ChunkedTwiceIsRefused) {
  EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", "chunked, chunked"}}), 400u);
  EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}),
            400u);
}

TEST(RequestHead, TransferEncodingWithContentLengthIsRefused) {
  EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}), 400u);
  EXPECT_EQ(verdict({{"Host", "h"}, {"Transfer-Encoding", "xchunked"}, {"Content-Length", "5"}}), 400u);
}

TEST(RequestHead, TransferEncodingInHttp10IsRefused) {
  EXPECT_EQ(verdict({{"Transfer-Encoding", "chunked"}}, 10), 400u);
}

TEST(RequestHead, Http11NeedsExactlyOneValidHost) {
  EXPECT_EQ(verdict({}), 400u);
  EXPECT_EQ(verdict({{"Host", "a"}, {"Host", "b"}}), 400u);
  EXPECT_EQ(verdict({{"Host", "user@h"}}), 400u);
  EXPECT_EQ(verdict({{"Host", "h/path"}}), 400u);
  EXPECT_EQ(verdict({{"Host", "h:port"}}), 400u);
}

TEST(RequestHead, Http10MayLeaveHostOut) {
  EXPECT_EQ(verdict({}, 10), 200u);
  EXPECT_EQ(verdict({{"Host", "a"}, {"Host", "b"}}, 10), 400u);
}

TEST(RequestHead, RefusalsAreBadRequestWithAMessage) {
  auto error = check_request_head(head({{"Host", "h"}, {"Transfer-Encoding", "xchunked"}}));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "bad_request");
  EXPECT_FALSE(error->message.empty());
}

}  // namespace
}  // namespace herald
