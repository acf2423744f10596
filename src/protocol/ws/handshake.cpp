// WebSocket handshake (see handshake.hpp).
#include "protocol/ws/handshake.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <charconv>

#include "protocol/http/api_error.hpp"
#include "protocol/http/origin.hpp"

namespace herald::ws {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits a header value at `separator`, trimming each item.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    items.push_back(trim(text.substr(start, end - start)));
    start = end + 1;
  }
  return items;
}

bool has_token(std::string_view header, std::string_view token) {
  for (auto item : split(header, ','))
    if (lower(item) == token) return true;
  return false;
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool is_valid_key(std::string_view key) {
  if (key.size() != 24 || !key.ends_with("==")) return false;
  if (!std::all_of(key.begin(), key.begin() + 22, is_base64_char)) return false;
  unsigned char decoded[24];
  int size = EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(key.data()),
                             static_cast<int>(key.size()));
  return size == 18;  // 16 bytes plus the two padding bytes EVP_DecodeBlock counts
}

// A window size parameter's value: 8 to 15, the sizes RFC 7692 allows.
std::optional<int> window_bits(std::string_view value) {
  int bits = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), bits);
  if (ec != std::errc{} || end != value.data() + value.size() || bits < 8 || bits > 15) return std::nullopt;
  return bits;
}

// One parameter of an extension offer: "name" or "name=value" (the value possibly quoted).
struct OfferParameter {
  std::string name;  // lower case
  std::optional<std::string_view> value;
};

OfferParameter read_parameter(std::string_view text) {
  auto equals = text.find('=');
  OfferParameter parameter{lower(trim(text.substr(0, equals))), std::nullopt};
  if (equals == std::string_view::npos) return parameter;
  std::string_view value = trim(text.substr(equals + 1));
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
    value = value.substr(1, value.size() - 2);
  parameter.value = value;
  return parameter;
}

// The server window an offer leaves herald: its size, and whether the offer named it (then the answer
// names it too).
struct ServerWindow {
  int bits = kMaxWindowBits;
  bool named = false;
};

// The server window for a permessage-deflate offer's parameters, or nothing when herald must decline
// the offer: a parameter it does not know, a repeated one (RFC 7692 section 7), a value where none
// belongs, or a window it cannot compress with.
std::optional<ServerWindow> server_window_for(const std::vector<std::string_view>& parameters) {
  ServerWindow window;
  std::vector<std::string> seen;
  for (std::string_view text : parameters) {
    OfferParameter parameter = read_parameter(text);
    if (std::find(seen.begin(), seen.end(), parameter.name) != seen.end()) return std::nullopt;
    seen.push_back(parameter.name);
    if (parameter.name == "server_no_context_takeover" || parameter.name == "client_no_context_takeover") {
      if (parameter.value) return std::nullopt;
    } else if (parameter.name == "client_max_window_bits") {
      // Any client window: herald inflates with the largest one.
      if (parameter.value && !window_bits(*parameter.value)) return std::nullopt;
    } else if (parameter.name == "server_max_window_bits") {
      std::optional<int> bits = parameter.value ? window_bits(*parameter.value) : std::nullopt;
      if (!bits || *bits < kMinWindowBits) return std::nullopt;
      window = {*bits, true};
    } else {
      return std::nullopt;
    }
  }
  return window;
}

HttpResponse refusal(http::status status, std::string code, std::string message) {
  return error_response({status, std::move(code), std::move(message)});
}

std::string build_response(std::string_view key, bool subprotocol,
                           const std::optional<DeflateAgreement>& deflate) {
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Server: herald\r\n"
      "Sec-WebSocket-Accept: " +
      accept_key(key) + "\r\n";
  if (subprotocol) response += "Sec-WebSocket-Protocol: " + std::string(kSubprotocol) + "\r\n";
  if (deflate) response += "Sec-WebSocket-Extensions: " + deflate->answer + "\r\n";
  response += "\r\n";
  return response;
}

}  // namespace

std::string accept_key(std::string_view client_key) {
  std::string input = std::string(client_key) + std::string(kGuid);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  int size = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<char*>(encoded), size);
}

bool is_origin_allowed(std::string_view origin, std::string_view host,
                       const std::vector<std::string>& allowed) {
  for (const auto& entry : allowed)
    if (entry == "*" || lower(entry) == lower(origin)) return true;
  auto parsed = parse_origin(origin);
  if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https")) return false;
  if (parsed->authority() == lower(host)) return true;
  return parsed->host == "localhost" || parsed->host == "127.0.0.1" || parsed->host == "[::1]";
}

std::optional<DeflateAgreement> negotiate_deflate(std::string_view extensions_header) {
  constexpr std::string_view kAnswer =
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
  for (auto offer : split(extensions_header, ',')) {
    auto parameters = split(offer, ';');
    if (lower(parameters.front()) != "permessage-deflate") continue;
    parameters.erase(parameters.begin());
    std::optional<ServerWindow> window = server_window_for(parameters);
    if (!window) continue;
    std::string answer(kAnswer);
    if (window->named) answer += "; server_max_window_bits=" + std::to_string(window->bits);
    return DeflateAgreement{std::move(answer), window->bits};
  }
  return std::nullopt;
}

bool accepts_deflate_offer(std::string_view extensions_header) {
  return negotiate_deflate(extensions_header).has_value();
}

std::variant<Handshake, HttpResponse> accept_handshake(const HttpRequest& request,
                                                       const HandshakeOptions& options) {
  if (!has_token(request.header(http::field::upgrade), "websocket") ||
      !has_token(request.header(http::field::connection), "upgrade"))
    return refusal(http::status::bad_request, "invalid_field",
                   "this endpoint needs a WebSocket upgrade request");
  if (request.header(http::field::sec_websocket_version) != "13") {
    auto response =
        refusal(http::status::upgrade_required, "invalid_field", "only WebSocket version 13 is supported");
    response.set(http::field::sec_websocket_version, "13");
    return response;
  }
  std::string_view key = request.header(http::field::sec_websocket_key);
  if (!is_valid_key(key))
    return refusal(http::status::bad_request, "invalid_field",
                   "Sec-WebSocket-Key must be 16 bytes in base64");
  std::string_view origin = request.header(http::field::origin);
  static const std::vector<std::string> kNone;
  if (!origin.empty() && !is_origin_allowed(origin, request.header(http::field::host),
                                            options.allowed_origins ? *options.allowed_origins : kNone))
    return refusal(http::status::forbidden, "forbidden",
                   "pages from this origin may not open WebSockets here");

  bool subprotocol = false;
  std::string offered_protocols = request.header_list(http::field::sec_websocket_protocol);
  for (auto offered : split(offered_protocols, ','))
    if (offered == kSubprotocol) subprotocol = true;
  if (!subprotocol && !trim(offered_protocols).empty())
    return refusal(http::status::bad_request, "invalid_field",
                   "unsupported subprotocol: herald speaks " + std::string(kSubprotocol));
  std::optional<DeflateAgreement> deflate;
  if (options.deflate_enabled)
    deflate = negotiate_deflate(request.header_list(http::field::sec_websocket_extensions));
  return Handshake{build_response(key, subprotocol, deflate), deflate.has_value(),
                   deflate ? deflate->server_window_bits : kMaxWindowBits};
}

}  // namespace herald::ws
