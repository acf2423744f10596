// The publish policy: API key (constant-time, scheme in any case), loopback without a key, the browser
// origin check without a key, and the WebSocket client prefixes.
#include "auth/publish_policy.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

namespace herald {
namespace {
namespace ip = boost::asio::ip;

using Headers = std::initializer_list<std::pair<http::field, std::string_view>>;

const ip::address kLoopback = ip::make_address("127.0.0.1");
const ip::address kRemote = ip::make_address("192.0.2.7");

HttpRequest publish_request(Headers headers, ip::address remote = kLoopback) {
  http::request<http::string_body> message{http::verb::post, "/api/publish", 11};
  message.set(http::field::host, "127.0.0.1:8080");
  for (const auto& [field, value] : headers) message.set(field, value);
  return *HttpRequest::from(std::move(message), remote);
}

// The refusal's code, or "" when the request may publish.
std::string verdict(const Config& config, Headers headers, ip::address remote = kLoopback) {
  auto error = check_http_publisher(config, publish_request(headers, remote));
  return error ? error->code : "";
}

Config with_key(std::string key) {
  Config config;
  config.api_key = std::move(key);
  return config;
}

TEST(PublishPolicy, WithoutAKeyLoopbackClientsPublish) {
  Config config;
  EXPECT_EQ(verdict(config, {}), "");
  EXPECT_EQ(verdict(config, {}, ip::make_address("::1")), "");
  EXPECT_EQ(verdict(config, {}, ip::make_address("::ffff:127.0.0.1")), "");
  EXPECT_EQ(verdict(config, {}, ip::make_address("127.3.2.1")), "");
}

TEST(PublishPolicy, NamedKeysWithThePublishScopeMayPublish) {
  Config config;
  config.api_keys = {ApiKey{"backend", "key-one", true, false}, ApiKey{"prometheus", "key-two", false, true}};
  EXPECT_EQ(verdict(config, {{http::field::authorization, "Bearer key-one"}}, kRemote), "");
  EXPECT_EQ(verdict(config, {{http::field::authorization, "Bearer key-two"}}, kRemote), "unauthorized")
      << "a key without the publish scope";
  EXPECT_EQ(verdict(config, {}), "unauthorized") << "with keys, loopback alone is not enough";
  config.api_key = "legacy";
  EXPECT_EQ(verdict(config, {{http::field::authorization, "Bearer legacy"}}, kRemote), "");
  EXPECT_EQ(verdict(config, {{http::field::authorization, "Bearer key-one"}}, kRemote), "")
      << "both kinds at once";
}

TEST(PublishPolicy, WithoutAKeyOtherClientsAreForbidden) {
  Config config;
  EXPECT_EQ(verdict(config, {}, kRemote), "forbidden");
  EXPECT_EQ(verdict(config, {}, ip::make_address("::ffff:192.0.2.7")), "forbidden");
  auto error = check_http_publisher(config, publish_request({}, kRemote));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, http::status::forbidden);
}

TEST(PublishPolicy, TheKeyIsRequiredFromEveryAddress) {
  Config config = with_key("s3cret");
  EXPECT_EQ(verdict(config, {{http::field::authorization, "Bearer s3cret"}}, kRemote), "");
  EXPECT_EQ(verdict(config, {{http::field::authorization, "Bearer s3cret"}}), "");
  EXPECT_EQ(verdict(config, {}), "unauthorized");
  EXPECT_EQ(verdict(config, {}, kRemote), "unauthorized");
  auto error = check_http_publisher(config, publish_request({}));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, http::status::unauthorized);
}

TEST(PublishPolicy, AWrongKeyIsRefused) {
  Config config = with_key("s3cret");
  for (std::string_view authorization :
       {"Bearer s3cre", "Bearer s3cret2", "Bearer S3CRET", "Bearer", "Bearer ", "Basic s3cret", "s3cret",
        "Bearers3cret", "Bearer\ts3cret", "Token s3cret"})
    EXPECT_EQ(verdict(config, {{http::field::authorization, authorization}}), "unauthorized")
        << authorization;
}

TEST(PublishPolicy, TheSchemeIsCaseInsensitive) {
  Config config = with_key("s3cret");
  for (std::string_view authorization :
       {"bearer s3cret", "BEARER s3cret", "bEaReR s3cret", "Bearer   s3cret"})
    EXPECT_EQ(verdict(config, {{http::field::authorization, authorization}}), "") << authorization;
}

TEST(PublishPolicy, TheBearerChallengeNamesTheRealm) {
  EXPECT_EQ(kBearerChallenge, "Bearer realm=\"herald\"");
}

TEST(PublishPolicy, WithoutAKeyPagesOfOtherOriginsAreForbidden) {
  Config config;
  for (std::string_view origin : {"http://evil.example", "http://127.0.0.1:9999", "http://localhost:8080",
                                  "https://127.0.0.1:8080", "null", "http://127.0.0.1:8080.evil.example"})
    EXPECT_EQ(verdict(config, {{http::field::origin, origin}}), "forbidden_origin") << origin;
}

TEST(PublishPolicy, WithoutAKeyHeraldsOwnPagesPublish) {
  Config config;
  EXPECT_EQ(verdict(config, {{http::field::origin, "http://127.0.0.1:8080"}}), "");
  EXPECT_EQ(verdict(config, {{http::field::origin, "HTTP://127.0.0.1:8080"}}), "");
  EXPECT_EQ(verdict(config, {{http::field::origin, "http://127.0.0.1:8080"},
                             {http::field::sec_fetch_site, "same-origin"}}),
            "");
}

TEST(PublishPolicy, OwnOriginsOnlyOnLoopbackHosts) {
  Config config;
  auto request_from = [&](std::string_view host, std::string_view origin) {
    http::request<http::string_body> message{http::verb::post, "/api/publish", 11};
    message.set(http::field::host, host);
    message.set(http::field::origin, origin);
    auto error = check_http_publisher(config, *HttpRequest::from(std::move(message), kLoopback));
    return error ? error->code : "";
  };
  EXPECT_EQ(request_from("localhost:8080", "http://localhost:8080"), "");
  EXPECT_EQ(request_from("[::1]:8080", "http://[::1]:8080"), "");
  EXPECT_EQ(request_from("127.0.0.2:80", "http://127.0.0.2:80"), "");
  // A foreign name that resolves to a loopback address (DNS rebinding) is not herald's own page.
  EXPECT_EQ(request_from("rebind.evil.example:8080", "http://rebind.evil.example:8080"), "forbidden_origin");
}

TEST(PublishPolicy, OwnHttpsPagesOnlyOverTls) {
  Config config;
  auto request_from = [&](std::string_view origin, bool secure) {
    http::request<http::string_body> message{http::verb::post, "/api/publish", 11};
    message.set(http::field::host, "127.0.0.1:8443");
    message.set(http::field::origin, origin);
    auto error = check_http_publisher(config, *HttpRequest::from(std::move(message), kLoopback, secure));
    return error ? error->code : "";
  };
  EXPECT_EQ(request_from("https://127.0.0.1:8443", true), "");
  // The scheme must be the connection's: an https page is not own on plain HTTP, nor http over TLS.
  EXPECT_EQ(request_from("https://127.0.0.1:8443", false), "forbidden_origin");
  EXPECT_EQ(request_from("http://127.0.0.1:8443", true), "forbidden_origin");
}

TEST(PublishPolicy, CrossSiteFetchesWithoutOriginAreForbidden) {
  Config config;
  EXPECT_EQ(verdict(config, {{http::field::sec_fetch_site, "cross-site"}}), "forbidden_origin");
  EXPECT_EQ(verdict(config, {{http::field::sec_fetch_site, "same-site"}}), "forbidden_origin");
  EXPECT_EQ(verdict(config, {{http::field::sec_fetch_site, "same-origin"}}), "");
  EXPECT_EQ(verdict(config, {{http::field::sec_fetch_site, "none"}}), "");
}

TEST(PublishPolicy, ListedOriginsPublish) {
  Config config;
  config.publish_allowed_origins = {"https://app.example.com", "http://localhost:3000"};
  EXPECT_EQ(verdict(config, {{http::field::origin, "https://app.example.com"},
                             {http::field::sec_fetch_site, "cross-site"}}),
            "");
  EXPECT_EQ(verdict(config, {{http::field::origin, "http://LOCALHOST:3000"}}), "");
  EXPECT_EQ(verdict(config, {{http::field::origin, "https://app.example.com:444"}}), "forbidden_origin");
  EXPECT_EQ(verdict(config, {{http::field::origin, "http://app.example.com"}}), "forbidden_origin");
}

TEST(PublishPolicy, StarAllowsEveryOrigin) {
  Config config;
  config.publish_allowed_origins = {"*"};
  EXPECT_EQ(verdict(config, {{http::field::origin, "https://evil.example"}}), "");
  EXPECT_EQ(verdict(config, {{http::field::origin, "null"}}), "");
}

TEST(PublishPolicy, TheOriginCheckDoesNotReplaceTheLoopbackRule) {
  Config config;
  config.publish_allowed_origins = {"*"};
  EXPECT_EQ(verdict(config, {{http::field::origin, "https://app.example.com"}}, kRemote), "forbidden");
}

TEST(PublishPolicy, WithAKeyTheOriginIsNotChecked) {
  // The key is a secret no browser attaches by itself, so a page cannot publish without knowing it.
  Config config = with_key("s3cret");
  EXPECT_EQ(verdict(config, {{http::field::authorization, "Bearer s3cret"},
                             {http::field::origin, "https://evil.example"}}),
            "");
}

TEST(PublishPolicy, ClientPrefixes) {
  Config config;
  EXPECT_FALSE(may_client_publish(config, "chat.lobby"));
  config.ws_publish_prefixes = {"chat.", "room:"};
  EXPECT_TRUE(may_client_publish(config, "chat.lobby"));
  EXPECT_TRUE(may_client_publish(config, "room:1"));
  EXPECT_FALSE(may_client_publish(config, "news"));
  EXPECT_FALSE(may_client_publish(config, "xchat.lobby"));
  config.ws_publish_prefixes = {""};
  EXPECT_TRUE(may_client_publish(config, "news"));
  config.ws_publish_prefixes = {"*"};
  EXPECT_TRUE(may_client_publish(config, "news"));
}

}  // namespace
}  // namespace herald
