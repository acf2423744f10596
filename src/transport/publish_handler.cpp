// POST /api/publish and POST /api/publish/{channel} (see api_handlers.hpp and docs/protocol.md).
#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "engine/engine_async.hpp"
#include "protocol/http/publish_api.hpp"
#include "transport/api_handlers.hpp"

namespace herald {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kChannelPathPrefix = "/api/publish/";

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// With an API key configured, the request must carry it; without one, only loopback clients publish.
std::optional<ApiError> check_publisher(const Config& config, const HttpRequest& request) {
  if (config.api_key.empty()) {
    const auto& remote = request.remote();
    bool mapped_loopback = remote.is_v6() && remote.to_v6().is_v4_mapped() &&
                           asio::ip::make_address_v4(asio::ip::v4_mapped, remote.to_v6()).is_loopback();
    if (remote.is_loopback() || mapped_loopback) return std::nullopt;
    return ApiError{http::status::forbidden, "forbidden",
                    "no API key is configured, so only loopback clients may publish"};
  }
  std::string_view authorization = request.header(http::field::authorization);
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.starts_with(kBearer) &&
      constant_time_equal(authorization.substr(kBearer.size()), config.api_key))
    return std::nullopt;
  return ApiError{http::status::unauthorized, "unauthorized",
                  "a valid 'Authorization: Bearer <api key>' is required"};
}

Parsed<PublishBatch> parse_request(const Config& config, const HttpRequest& request) {
  PublishLimits limits{config.max_message_bytes, config.max_batch};
  if (request.path() == "/api/publish") return parse_publish_body(request.body(), limits);
  auto event = request.param("event");
  auto key_header = request.message().find("Idempotency-Key");
  std::optional<std::string_view> key;
  if (key_header != request.message().end()) key = std::string_view(key_header->value());
  auto one = parse_raw_publish(request.path().substr(kChannelPathPrefix.size()),
                               request.header(http::field::content_type), request.body(),
                               event ? std::optional<std::string_view>(*event) : std::nullopt, key, limits);
  if (auto* error = std::get_if<ApiError>(&one)) return *error;
  return PublishBatch{{std::get<PublishRequest>(std::move(one))}, false};
}

}  // namespace

asio::awaitable<HttpResponse> handle_publish(Worker& worker, const HttpRequest& request) {
  auto started = std::chrono::steady_clock::now();
  if (auto error = check_publisher(worker.config(), request)) co_return error_response(*error);
  if (worker.state().shutting_down) co_return error_response(shutting_down_error());
  auto parsed = parse_request(worker.config(), request);
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return error_response(*error);
  auto& batch = std::get<PublishBatch>(parsed);

  std::string results;
  for (auto& message : batch.messages) {
    std::string channel = message.channel;
    PublishOutcome outcome =
        co_await async_publish(*worker.state().engine, worker.id(), std::move(message), asio::use_awaitable);
    if (outcome.status != EngineStatus::ok) {
      spdlog::warn("publish to {} refused by the engine: {}", channel, outcome.error);
      co_return error_response(unavailable_error(outcome.error));
    }
    if (!outcome.duplicate) worker.metrics().published();
    if (!results.empty()) results += ',';
    results += publish_result_json(channel, outcome);
  }
  worker.metrics().publish_duration(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  co_return json_response(http::status::ok, batch.is_batch ? "{\"results\":[" + results + "]}" : results);
}

}  // namespace herald
