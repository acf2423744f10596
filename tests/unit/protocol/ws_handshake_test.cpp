// WebSocket opening handshake: accept key, upgrade checks and refusals, subprotocol, Origin rules,
// permessage-deflate.
#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "protocol/ws/handshake.hpp"

namespace herald::ws {
namespace {
namespace json = boost::json;

constexpr std::string_view kRfcKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kRfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
// The answer starts like this; it adds "; server_max_window_bits=N" when the offer limited the server's
// window to N bits.
constexpr std::string_view kDeflateLine =
    "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; "
    "client_no_context_takeover";

using Headers = std::vector<std::pair<http::field, std::string>>;

// A valid upgrade request to example.com:8080, with `changes` applied: an empty value removes the header.
HttpRequest upgrade_request(const Headers& changes = {}) {
  http::request<http::string_body> message{http::verb::get, "/api/ws", 11};
  message.set(http::field::host, "example.com:8080");
  message.set(http::field::upgrade, "websocket");
  message.set(http::field::connection, "Upgrade");
  message.set(http::field::sec_websocket_version, "13");
  message.set(http::field::sec_websocket_key, kRfcKey);
  for (const auto& [field, value] : changes) {
    if (value.empty())
      message.erase(field);
    else
      message.set(field, value);
  }
  auto request = HttpRequest::from(std::move(message), boost::asio::ip::make_address("127.0.0.1"));
  if (!request) throw std::runtime_error("bad target");
  return std::move(*request);
}

std::variant<Handshake, HttpResponse> handshake(const Headers& changes = {}, bool deflate = false,
                                                const std::vector<std::string>* allowed = nullptr) {
  return accept_handshake(upgrade_request(changes), HandshakeOptions{deflate, allowed});
}

Handshake accepted(const std::variant<Handshake, HttpResponse>& result) {
  if (const auto* refusal = std::get_if<HttpResponse>(&result)) {
    ADD_FAILURE() << "refused with " << refusal->result_int() << ": " << refusal->body();
    return {};
  }
  return std::get<Handshake>(result);
}

// Checks a refusal's status and JSON error code, and returns it.
HttpResponse refused(const std::variant<Handshake, HttpResponse>& result, http::status status,
                     const std::string& code) {
  const auto* response = std::get_if<HttpResponse>(&result);
  if (response == nullptr) {
    ADD_FAILURE() << "expected a refusal, got " << std::get<Handshake>(result).response;
    return {};
  }
  EXPECT_EQ(response->result(), status);
  boost::system::error_code ec;
  json::value body = json::parse(response->body(), ec);
  EXPECT_FALSE(ec) << response->body();
  if (!ec) {
    EXPECT_EQ(body.at_pointer("/error/code"), json::value(code));
    EXPECT_FALSE(body.at_pointer("/error/message").as_string().empty());
  }
  return *response;
}

// The header lines of a 101 response (without the status line and the final empty line).
std::vector<std::string> header_lines(const std::string& response) {
  std::vector<std::string> lines;
  std::size_t start = response.find("\r\n");
  if (start == std::string::npos) return lines;
  start += 2;
  while (true) {
    std::size_t end = response.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    lines.push_back(response.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

bool has_line(const std::string& response, const std::string& line) {
  for (const auto& l : header_lines(response))
    if (l == line) return true;
  return false;
}

bool has_header(const std::string& response, const std::string& name) {
  for (const auto& l : header_lines(response))
    if (l.starts_with(name + ":")) return true;
  return false;
}

TEST(WsHandshake, AcceptKeyOfTheRfcExamples) {
  EXPECT_EQ(accept_key(kRfcKey), kRfcAccept);
  EXPECT_EQ(accept_key("x3JJHMbDL1EzLkh9GBhXDw=="), "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
}

TEST(WsHandshake, AcceptsAPlainUpgradeWithThe101Response) {
  Handshake result = accepted(handshake());
  const std::string& response = result.response;
  EXPECT_TRUE(response.starts_with("HTTP/1.1 101 Switching Protocols\r\n")) << response;
  EXPECT_TRUE(response.ends_with("\r\n\r\n")) << response;
  EXPECT_TRUE(has_line(response, "Upgrade: websocket"));
  EXPECT_TRUE(has_line(response, "Connection: Upgrade"));
  EXPECT_TRUE(has_line(response, "Sec-WebSocket-Accept: " + std::string(kRfcAccept)));
  EXPECT_FALSE(has_header(response, "Sec-WebSocket-Protocol"));
  EXPECT_FALSE(has_header(response, "Sec-WebSocket-Extensions"));
  EXPECT_FALSE(result.deflate);
  // The response ends with the headers: exactly one empty line, at the end.
  EXPECT_EQ(response.find("\r\n\r\n"), response.size() - 4);
}

TEST(WsHandshake, AcceptHeaderMatchesTheClientsKey) {
  Handshake result = accepted(handshake({{http::field::sec_websocket_key, "x3JJHMbDL1EzLkh9GBhXDw=="}}));
  EXPECT_TRUE(has_line(result.response, "Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk="));
}

TEST(WsHandshake, MissingUpgradeOrConnectionTokenIsABadRequest) {
  refused(handshake({{http::field::upgrade, ""}}), http::status::bad_request, "invalid_field");
  refused(handshake({{http::field::connection, ""}}), http::status::bad_request, "invalid_field");
  refused(handshake({{http::field::upgrade, "h2c"}}), http::status::bad_request, "invalid_field");
  refused(handshake({{http::field::connection, "keep-alive"}}), http::status::bad_request, "invalid_field");
  refused(handshake({{http::field::connection, "close"}}), http::status::bad_request, "invalid_field");
  // Tokens, not substrings.
  refused(handshake({{http::field::connection, "Upgrades"}}), http::status::bad_request, "invalid_field");
  refused(handshake({{http::field::upgrade, "websocketx"}}), http::status::bad_request, "invalid_field");
}

TEST(WsHandshake, UpgradeAndConnectionTokensAreCaseInsensitiveInLists) {
  accepted(handshake({{http::field::upgrade, "WebSocket"}}));
  accepted(handshake({{http::field::upgrade, "WEBSOCKET"}}));
  accepted(handshake({{http::field::connection, "upgrade"}}));
  accepted(handshake({{http::field::connection, "keep-alive, Upgrade"}}));  // Firefox
  accepted(handshake({{http::field::connection, "keep-alive,upgrade"}}));
  accepted(handshake({{http::field::connection, "Upgrade , keep-alive"}}));
  accepted(handshake({{http::field::upgrade, "h2c, websocket"}}));
}

TEST(WsHandshake, OtherVersionsGet426WithVersion13) {
  for (std::string version : {"12", "8", "14", "13.0", "", " 13x"}) {
    SCOPED_TRACE(version);
    HttpResponse response = refused(handshake({{http::field::sec_websocket_version, version}}),
                                    http::status::upgrade_required, "invalid_field");
    EXPECT_EQ(response[http::field::sec_websocket_version], "13");
  }
}

TEST(WsHandshake, BadKeysAreABadRequest) {
  for (std::string key : {"", "dGhlIHNhbXBsZSBub25jZQ=",  // 23 characters
                          "dGhlIHNhbXBsZSBub25jZQ===",    // 25 characters
                          "dGhlIHNhbXBsZSBub25jZQAA",     // 18 bytes, no padding
                          "dGhlIHNhbXBsZSBub25jZ*==",     // not base64
                          "dGhlIHNhbXBsZSBub2 5jZ==",     // a space inside
                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}) {
    SCOPED_TRACE(key);
    refused(handshake({{http::field::sec_websocket_key, key}}), http::status::bad_request, "invalid_field");
  }
}

// RFC 6455 section 4.2.1: the key must be base64 that decodes to 16 bytes; padding belongs only at the end.
TEST(WsHandshake, KeysWithPaddingInsideAreABadRequest) {
  for (std::string key :
       {"dGhl=HNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZ===", "dGhlIHNhbXBsZSBub25j===="}) {
    SCOPED_TRACE(key);
    refused(handshake({{http::field::sec_websocket_key, key}}), http::status::bad_request, "invalid_field");
  }
}

TEST(WsHandshake, AnyBase64SixteenByteKeyIsAccepted) {
  accepted(handshake({{http::field::sec_websocket_key, "AAAAAAAAAAAAAAAAAAAAAA=="}}));
  accepted(handshake({{http::field::sec_websocket_key, "/+/+/+/+/+/+/+/+/+/+/w=="}}));
}

TEST(WsHandshake, EchoesTheHeraldSubprotocolWhenOffered) {
  Handshake only = accepted(handshake({{http::field::sec_websocket_protocol, "herald.v1"}}));
  EXPECT_TRUE(has_line(only.response, "Sec-WebSocket-Protocol: herald.v1"));
  Handshake listed = accepted(handshake({{http::field::sec_websocket_protocol, "chat, herald.v1 ,other"}}));
  EXPECT_TRUE(has_line(listed.response, "Sec-WebSocket-Protocol: herald.v1"));
}

// A client that offers only other subprotocols would fail the connection itself; it gets a clear 400.
TEST(WsHandshake, OnlyOtherSubprotocolsAreRefused) {
  refused(handshake({{http::field::sec_websocket_protocol, "chat, herald.v2"}}), http::status::bad_request,
          "invalid_field");
  refused(handshake({{http::field::sec_websocket_protocol, "herald.v1x"}}), http::status::bad_request,
          "invalid_field");
}

// RFC 6455 section 4.1: the header may be repeated, which is the same as one header listing all the values.
TEST(WsHandshake, SubprotocolOfferedInASecondHeaderLineIsEchoed) {
  http::request<http::string_body> message{http::verb::get, "/api/ws", 11};
  message.set(http::field::host, "example.com:8080");
  message.set(http::field::upgrade, "websocket");
  message.set(http::field::connection, "Upgrade");
  message.set(http::field::sec_websocket_version, "13");
  message.set(http::field::sec_websocket_key, kRfcKey);
  message.insert(http::field::sec_websocket_protocol, "chat");
  message.insert(http::field::sec_websocket_protocol, "herald.v1");
  auto request = HttpRequest::from(std::move(message), boost::asio::ip::make_address("127.0.0.1"));
  ASSERT_TRUE(request.has_value());
  Handshake result = accepted(accept_handshake(*request, {}));
  EXPECT_TRUE(has_line(result.response, "Sec-WebSocket-Protocol: herald.v1")) << result.response;
}

TEST(WsHandshake, RequestsWithoutOriginAreAccepted) { accepted(handshake({{http::field::origin, ""}})); }

TEST(WsHandshake, SameHostOriginIsAccepted) {
  accepted(handshake({{http::field::origin, "http://example.com:8080"}}));
  accepted(handshake({{http::field::origin, "https://example.com:8080"}}));
  accepted(handshake({{http::field::origin, "http://EXAMPLE.com:8080"}}));
  accepted(handshake({{http::field::origin, "http://example.com"}, {http::field::host, "example.com"}}));
}

TEST(WsHandshake, SameHostOnAnotherPortIsForbidden) {
  refused(handshake({{http::field::origin, "http://example.com"}}), http::status::forbidden, "forbidden");
  refused(handshake({{http::field::origin, "http://example.com:9090"}}), http::status::forbidden,
          "forbidden");
}

TEST(WsHandshake, LoopbackOriginsOnAnyPortAreAccepted) {
  for (std::string origin :
       {"http://localhost", "http://localhost:3000", "https://localhost:5173", "http://127.0.0.1",
        "http://127.0.0.1:9", "http://[::1]", "http://[::1]:8080", "http://LOCALHOST:1"}) {
    SCOPED_TRACE(origin);
    accepted(handshake({{http::field::origin, origin}}));
  }
}

TEST(WsHandshake, OtherOriginsAreForbidden) {
  for (std::string origin : {"http://evil.com", "https://evil.com:8080", "http://localhost.evil.com",
                             "http://127.0.0.1.evil.com", "http://example.com.evil.com:8080",
                             "http://evil.com:8080", "http://[::2]:8080", "null", "not a url"}) {
    SCOPED_TRACE(origin);
    refused(handshake({{http::field::origin, origin}}), http::status::forbidden, "forbidden");
  }
}

TEST(WsHandshake, AllowedOriginsMatchExactly) {
  const std::vector<std::string> allowed{"https://app.example.org", "http://partner.net:8443"};
  accepted(handshake({{http::field::origin, "https://app.example.org"}}, false, &allowed));
  accepted(handshake({{http::field::origin, "http://partner.net:8443"}}, false, &allowed));
  for (std::string origin : {"http://app.example.org", "https://app.example.org:444", "https://example.org",
                             "https://app.example.org.evil.com", "http://partner.net", "null"}) {
    SCOPED_TRACE(origin);
    refused(handshake({{http::field::origin, origin}}, false, &allowed), http::status::forbidden,
            "forbidden");
  }
  // The built-in rules still apply with a list.
  accepted(handshake({{http::field::origin, "http://localhost:3000"}}, false, &allowed));
  accepted(handshake({{http::field::origin, "http://example.com:8080"}}, false, &allowed));
}

TEST(WsHandshake, StarAllowsEveryOrigin) {
  const std::vector<std::string> allowed{"*"};
  for (std::string origin : {"http://evil.com", "https://anything.example:1", "null"}) {
    SCOPED_TRACE(origin);
    accepted(handshake({{http::field::origin, origin}}, false, &allowed));
  }
}

TEST(WsHandshake, NullOriginOnlyWhenListed) {
  refused(handshake({{http::field::origin, "null"}}), http::status::forbidden, "forbidden");
  const std::vector<std::string> allowed{"null"};
  accepted(handshake({{http::field::origin, "null"}}, false, &allowed));
}

TEST(WsHandshake, IsOriginAllowedDirectly) {
  const std::vector<std::string> none;
  EXPECT_TRUE(is_origin_allowed("http://h:1", "h:1", none));
  EXPECT_FALSE(is_origin_allowed("http://h:1", "h:2", none));
  EXPECT_TRUE(is_origin_allowed("http://[::1]:7", "h:2", none));
  EXPECT_TRUE(is_origin_allowed("http://[::1]:7", "", none));
  EXPECT_FALSE(is_origin_allowed("http://h:1", "", none));
  EXPECT_TRUE(is_origin_allowed("http://localhost:7", "", none));
  EXPECT_FALSE(is_origin_allowed("", "", none));
}

TEST(WsHandshake, DeflateOfferIgnoredWhenDisabled) {
  Handshake result =
      accepted(handshake({{http::field::sec_websocket_extensions, "permessage-deflate"}}, false));
  EXPECT_FALSE(result.deflate);
  EXPECT_FALSE(has_header(result.response, "Sec-WebSocket-Extensions"));
}

TEST(WsHandshake, DeflateAcceptedWithoutContextTakeover) {
  Handshake result =
      accepted(handshake({{http::field::sec_websocket_extensions, "permessage-deflate"}}, true));
  EXPECT_TRUE(result.deflate);
  EXPECT_NE(result.response.find(kDeflateLine), std::string::npos) << result.response;
}

TEST(WsHandshake, NoDeflateWhenNotOffered) {
  Handshake result = accepted(handshake({}, true));
  EXPECT_FALSE(result.deflate);
  EXPECT_FALSE(has_header(result.response, "Sec-WebSocket-Extensions"));
  Handshake other =
      accepted(handshake({{http::field::sec_websocket_extensions, "x-webkit-deflate-frame"}}, true));
  EXPECT_FALSE(other.deflate);
  EXPECT_FALSE(has_header(other.response, "Sec-WebSocket-Extensions"));
}

TEST(WsHandshake, BrowserDeflateOffersAreAccepted) {
  for (std::string offer : {"permessage-deflate; client_max_window_bits",  // Chrome
                            "permessage-deflate",                          // Firefox
                            "permessage-deflate; client_max_window_bits=10",
                            "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                            "permessage-deflate; server_max_window_bits=15",
                            "permessage-deflate; server_max_window_bits=\"15\""}) {
    SCOPED_TRACE(offer);
    EXPECT_TRUE(accepts_deflate_offer(offer));
    Handshake result = accepted(handshake({{http::field::sec_websocket_extensions, offer}}, true));
    EXPECT_TRUE(result.deflate);
    EXPECT_NE(result.response.find(kDeflateLine), std::string::npos);
    bool window_asked = offer.find("server_max_window_bits") != std::string::npos;
    EXPECT_EQ(result.response.find("server_max_window_bits=15\r\n") != std::string::npos, window_asked);
  }
}

TEST(WsHandshake, DeflateOffersHeraldCannotHonourAreDeclined) {
  for (std::string offer :
       {"permessage-deflate; server_max_window_bits=8", "permessage-deflate; server_max_window_bits=\"8\"",
        "permessage-deflate; server_max_window_bits=7", "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=0", "permessage-deflate; server_max_window_bits=abc",
        "permessage-deflate; server_max_window_bits=9x", "permessage-deflate; server_max_window_bits=",
        "permessage-deflate; server_max_window_bits", "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; client_max_window_bits=16", "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; unknown_parameter", "permessage-deflate; mystery=1", ""}) {
    SCOPED_TRACE(offer);
    EXPECT_FALSE(accepts_deflate_offer(offer));
    EXPECT_FALSE(negotiate_deflate(offer).has_value());
    Handshake result = accepted(handshake({{http::field::sec_websocket_extensions, offer}}, true));
    EXPECT_FALSE(result.deflate);
    EXPECT_FALSE(has_header(result.response, "Sec-WebSocket-Extensions"));
  }
}

TEST(WsHandshake, DeflateOfferWithARepeatedParameterIsDeclined) {
  // RFC 7692 section 7: an offer with two parameters of the same name must be declined.
  for (std::string offer : {"permessage-deflate; server_max_window_bits=10; server_max_window_bits=12",
                            "permessage-deflate; server_max_window_bits=15; server_max_window_bits=15",
                            "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
                            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                            "permessage-deflate; client_no_context_takeover; Client_No_Context_Takeover"}) {
    SCOPED_TRACE(offer);
    EXPECT_FALSE(accepts_deflate_offer(offer));
  }
}

// The Sec-WebSocket-Extensions answer for a server window of `bits`, named in the answer or not.
std::string deflate_answer(int bits, bool named) {
  std::string answer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
  if (named) answer += "; server_max_window_bits=" + std::to_string(bits);
  return answer;
}

TEST(WsHandshake, DeflateWithEveryServerWindowHeraldCanCompressWith) {
  for (int bits = 9; bits <= 15; ++bits) {
    for (std::string client : {"", "; client_max_window_bits", "; client_max_window_bits=9",
                               "; client_max_window_bits=15", "; client_max_window_bits=8"}) {
      for (bool quoted : {false, true}) {
        std::string value = quoted ? "\"" + std::to_string(bits) + "\"" : std::to_string(bits);
        std::string offer = "permessage-deflate; server_max_window_bits=" + value + client;
        SCOPED_TRACE(offer);
        auto agreement = negotiate_deflate(offer);
        ASSERT_TRUE(agreement.has_value());
        EXPECT_EQ(agreement->answer, deflate_answer(bits, true));
        EXPECT_EQ(agreement->server_window_bits, bits);
        Handshake result = accepted(handshake({{http::field::sec_websocket_extensions, offer}}, true));
        EXPECT_TRUE(result.deflate);
        EXPECT_EQ(result.deflate_window_bits, bits);
        EXPECT_TRUE(has_line(result.response, "Sec-WebSocket-Extensions: " + deflate_answer(bits, true)))
            << result.response;
      }
    }
  }
}

TEST(WsHandshake, DeflateWithoutAServerWindowUsesTheLargest) {
  for (std::string offer : {"permessage-deflate", "permessage-deflate; client_max_window_bits",
                            "permessage-deflate; client_max_window_bits=10",
                            "permessage-deflate; client_no_context_takeover", "PerMessage-Deflate"}) {
    SCOPED_TRACE(offer);
    auto agreement = negotiate_deflate(offer);
    ASSERT_TRUE(agreement.has_value());
    EXPECT_EQ(agreement->answer, deflate_answer(15, false));
    EXPECT_EQ(agreement->server_window_bits, 15);
    Handshake result = accepted(handshake({{http::field::sec_websocket_extensions, offer}}, true));
    EXPECT_EQ(result.deflate_window_bits, 15);
  }
}

TEST(WsHandshake, FirstAcceptableOfferOfSeveralIsAccepted) {
  struct Case {
    std::string offers;
    int bits;
    bool named;
  };
  for (const Case& c : std::vector<Case>{
           {"permessage-deflate; server_max_window_bits=8, permessage-deflate", 15, false},
           {"permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=9", 9,
            true},
           {"permessage-deflate; server_max_window_bits=12, permessage-deflate; server_max_window_bits=9", 12,
            true},
           {"permessage-deflate; server_max_window_bits=10, permessage-deflate", 10, true},
           {"permessage-deflate; mystery, permessage-deflate; server_max_window_bits=11; "
            "client_max_window_bits",
            11, true},
           {"x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=13", 13, true},
           {"permessage-deflate; server_max_window_bits=8; client_max_window_bits, "
            "permessage-deflate; client_max_window_bits",
            15, false},
       }) {
    SCOPED_TRACE(c.offers);
    auto agreement = negotiate_deflate(c.offers);
    ASSERT_TRUE(agreement.has_value());
    EXPECT_EQ(agreement->answer, deflate_answer(c.bits, c.named));
    EXPECT_EQ(agreement->server_window_bits, c.bits);
    Handshake result = accepted(handshake({{http::field::sec_websocket_extensions, c.offers}}, true));
    EXPECT_TRUE(result.deflate);
    EXPECT_EQ(result.deflate_window_bits, c.bits);
  }
  EXPECT_FALSE(accepts_deflate_offer(
      "permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=8"));
}

TEST(WsHandshake, SecondAcceptableOfferInAListIsAccepted) {
  const std::string offers = "permessage-deflate; server_max_window_bits=8, permessage-deflate";
  EXPECT_TRUE(accepts_deflate_offer(offers));
  Handshake result = accepted(handshake({{http::field::sec_websocket_extensions, offers}}, true));
  EXPECT_TRUE(result.deflate);
  EXPECT_NE(result.response.find(kDeflateLine), std::string::npos);
  EXPECT_TRUE(accepts_deflate_offer("x-other; a=1, permessage-deflate; client_max_window_bits"));
}

TEST(WsHandshake, SubprotocolAndDeflateTogether) {
  Handshake result = accepted(handshake({{http::field::sec_websocket_protocol, "herald.v1"},
                                         {http::field::sec_websocket_extensions, "permessage-deflate"},
                                         {http::field::origin, "http://localhost:5173"}},
                                        true));
  EXPECT_TRUE(result.deflate);
  EXPECT_TRUE(has_line(result.response, "Sec-WebSocket-Protocol: herald.v1"));
  EXPECT_NE(result.response.find(kDeflateLine), std::string::npos);
  EXPECT_TRUE(has_line(result.response, "Sec-WebSocket-Accept: " + std::string(kRfcAccept)));
}

TEST(WsHandshake, ChecksComeInOrderUpgradeVersionKeyOrigin) {
  // A request wrong in every way is refused for the first problem.
  refused(handshake({{http::field::upgrade, ""}, {http::field::sec_websocket_version, "8"}}),
          http::status::bad_request, "invalid_field");
  refused(handshake({{http::field::sec_websocket_version, "8"}, {http::field::origin, "http://evil.com"}}),
          http::status::upgrade_required, "invalid_field");
  refused(handshake({{http::field::sec_websocket_key, "short"}, {http::field::origin, "http://evil.com"}}),
          http::status::bad_request, "invalid_field");
}

}  // namespace
}  // namespace herald::ws
