// The WebSocket opening handshake (RFC 6455 section 4.2) on the server side, without sockets: checks
// the upgrade request (version, key, Origin against cross-site hijacking), picks the subprotocol and
// negotiates permessage-deflate (RFC 7692), and builds the 101 response.
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/http/http_request.hpp"
#include "protocol/ws/deflate.hpp"

namespace herald::ws {

inline constexpr std::string_view kSubprotocol = "herald.v1";

struct HandshakeOptions {
  bool deflate_enabled = false;
  const std::vector<std::string>* allowed_origins = nullptr;
};

struct Handshake {
  std::string response;                      // the whole "HTTP/1.1 101 Switching Protocols" response
  bool deflate = false;                      // permessage-deflate in use
  int deflate_window_bits = kMaxWindowBits;  // with deflate: the window herald compresses messages with
};

// A permessage-deflate offer herald accepted.
struct DeflateAgreement {
  std::string answer;                       // the Sec-WebSocket-Extensions value of the response
  int server_window_bits = kMaxWindowBits;  // the window herald compresses messages with
};

// The accepted handshake, or the HTTP response that refuses it.
std::variant<Handshake, HttpResponse> accept_handshake(const HttpRequest& request,
                                                       const HandshakeOptions& options);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string accept_key(std::string_view client_key);

// Whether a browser page from `origin` may open a socket to a server reached as `host`.
bool is_origin_allowed(std::string_view origin, std::string_view host,
                       const std::vector<std::string>& allowed);

// The first permessage-deflate offer in a Sec-WebSocket-Extensions header that herald can accept, if any.
std::optional<DeflateAgreement> negotiate_deflate(std::string_view extensions_header);
bool accepts_deflate_offer(std::string_view extensions_header);

}  // namespace herald::ws
