// Fuzz target: an HTTP request as herald handles it, from the bytes on the wire: Beast's request parser
// (with herald's header and body limits), check_request_head, HttpRequest::from, match_route, and the
// parameter and body parsers of the endpoint it routes to (polling, publishing, SSE), plus CORS. Checks
// that a request Beast accepted and herald did not refuse has a path that routes, and that whatever the
// parsers accept satisfies what the handlers rely on (valid channel names, limits within bounds).
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <variant>

#include "core/channel_name.hpp"
#include "protocol/http/cors.hpp"
#include "protocol/http/http_request.hpp"
#include "protocol/http/poll_api.hpp"
#include "protocol/http/publish_api.hpp"
#include "protocol/http/request_head.hpp"
#include "protocol/http/router.hpp"
#include "transport/sse_stream.hpp"

namespace {

namespace http = boost::beast::http;
using Parser = http::request_parser<http::string_body>;

void require(bool condition) {
  if (!condition) std::abort();
}

// Parses one request from `bytes` as http_session does: the header, its checks, then the body. nullopt
// when the bytes are not a complete acceptable request.
std::optional<http::request<http::string_body>> read_request(std::string_view bytes) {
  Parser parser;
  parser.header_limit(8192);
  parser.body_limit(64 * 1024);
  boost::system::error_code ec;
  std::size_t used = 0;
  while (!parser.is_header_done()) {
    std::size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec || n == 0) return std::nullopt;
  }
  if (herald::check_request_head(parser.get())) return std::nullopt;
  while (!parser.is_done()) {
    std::size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more && used == bytes.size()) return std::nullopt;
    if (ec && ec != http::error::need_more) return std::nullopt;
    if (n == 0 && !parser.is_done()) return std::nullopt;
  }
  return parser.release();
}

void check_poll(const herald::HttpRequest& request) {
  herald::PollLimits limits;
  auto parsed = herald::parse_poll_params(request, limits);
  if (auto* params = std::get_if<herald::PollParams>(&parsed)) {
    require(herald::is_valid_channel_name(params->channel));
    require(params->limit >= 1 && params->limit <= limits.max_limit);
    require(params->timeout >= 0 && params->timeout <= limits.max_timeout);
  }
}

void check_publish(const herald::HttpRequest& request) {
  herald::PublishLimits limits{1024, 8};
  constexpr std::string_view kPrefix = "/api/publish/";
  if (request.path() == "/api/publish") {
    auto parsed = herald::parse_publish_body(request.body(), limits);
    if (auto* batch = std::get_if<herald::PublishBatch>(&parsed)) {
      require(!batch->messages.empty() && batch->messages.size() <= limits.max_batch);
      for (const auto& message : batch->messages) require(herald::is_valid_channel_name(message.channel));
    }
    return;
  }
  if (!request.path().starts_with(kPrefix)) return;
  auto event = request.param("event");
  auto key_header = request.message().find("Idempotency-Key");
  std::optional<std::string_view> key;
  if (key_header != request.message().end()) key = std::string_view(key_header->value());
  auto parsed = herald::parse_raw_publish(
      request.path().substr(kPrefix.size()), request.header(http::field::content_type), request.body(),
      event ? std::optional<std::string_view>(*event) : std::nullopt, key, limits);
  if (auto* message = std::get_if<herald::PublishRequest>(&parsed)) {
    require(herald::is_valid_channel_name(message->channel));
    require(herald::is_valid_event_name(message->event));
  }
}

void check_sse(const herald::HttpRequest& request) {
  auto parsed = herald::parse_sse_params(request, 4, 1024);
  if (auto* params = std::get_if<herald::SseParams>(&parsed)) {
    require(!params->channels.empty() && params->channels.size() <= 4);
    require(params->since.size() == params->channels.size());
  }
}

void check_cors(const herald::HttpRequest& request, herald::Route route) {
  if (!herald::is_cors_route(route)) return;
  herald::cors_grant({"https://app.example", "*"}, request.header(http::field::origin));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto message = read_request(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!message) return 0;
  auto request = herald::HttpRequest::from(std::move(*message), boost::asio::ip::address_v4::loopback());
  if (!request) return 0;
  require(request->path().find('\0') == std::string::npos);
  request->header_list(http::field::accept_encoding);
  herald::RouteMatch match = herald::match_route(request->path(), request->method());
  check_cors(*request, match.route);
  if (!match.method_allowed) {
    require(!match.allow.empty());
    return 0;
  }
  switch (match.route) {
    case herald::Route::history:
    case herald::Route::longpoll:
      check_poll(*request);
      break;
    case herald::Route::publish:
      check_publish(*request);
      break;
    case herald::Route::sse:
      check_sse(*request);
      break;
    default:
      break;
  }
  return 0;
}
