// POST /api/publish and POST /api/publish/{channel} (see api_handlers.hpp and docs/protocol.md).
#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <optional>

#include "auth/api_keys.hpp"
#include "auth/client_rates.hpp"
#include "auth/publish_policy.hpp"
#include "engine/engine_async.hpp"
#include "protocol/http/publish_api.hpp"
#include "session/engine_results.hpp"
#include "transport/api_handlers.hpp"

namespace herald {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kChannelPathPrefix = "/api/publish/";

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

// A client with a token publishes where its token or the channel's namespace allows it.
std::optional<ApiError> check_client_batch(const Access& access, const Identity& identity,
                                           const PublishBatch& batch) {
  for (const auto& message : batch.messages)
    if (auto refusal = access.check_client_publish(identity, message.channel)) return refusal;
  return std::nullopt;
}

void note_publish_duration(Worker& worker, std::chrono::steady_clock::time_point started) {
  worker.metrics().publish_duration(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

// 200 with every result, or when the engine refused some message the status of the first refusal with
// every result (the messages published and the refusals) after it: nothing published goes unreported.
HttpResponse batch_answer(Worker& worker, const std::vector<std::string>& channels,
                          const std::vector<PublishOutcome>& outcomes) {
  std::vector<std::string> results;
  results.reserve(outcomes.size());
  std::optional<ApiError> first_refusal;
  std::size_t first_refused = 0;
  std::size_t refused = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    auto result = publish_result(worker.metrics(), channels[i], outcomes[i]);
    if (auto* error = std::get_if<ApiError>(&result)) {
      if (!first_refusal) {
        first_refusal = *error;
        first_refused = i;
      }
      ++refused;
      results.push_back(publish_refusal_json(channels[i], *error));
    } else {
      results.push_back(std::get<std::string>(std::move(result)));
    }
  }
  if (!first_refusal) return json_response(http::status::ok, batch_results_json(results, nullptr));
  spdlog::warn("batch publish: the engine refused {} of {} messages, the first to {}: {}", refused,
               outcomes.size(), channels[first_refused], outcomes[first_refused].error);
  return json_response(first_refusal->status, batch_results_json(results, &*first_refusal));
}

HttpResponse single_answer(Worker& worker, const std::string& channel, const PublishOutcome& outcome) {
  auto result = publish_result(worker.metrics(), channel, outcome);
  if (auto* error = std::get_if<ApiError>(&result)) {
    spdlog::warn("publish to {} refused by the engine: {}", channel, outcome.error);
    return error_response(*error);
  }
  return json_response(http::status::ok, std::get<std::string>(std::move(result)));
}

}  // namespace

asio::awaitable<HttpResponse> handle_publish(Worker& worker, const Access& access,
                                             const HttpRequest& request) {
  auto started = std::chrono::steady_clock::now();
  // Who sends it is checked first, so that a client that may not publish learns nothing from the body.
  auto identified = access.identify(request, /*cookie=*/false);
  if (auto* error = std::get_if<ApiError>(&identified)) co_return refusal_response(*error);
  const Identity& identity = std::get<Identity>(identified);
  if (identity.anonymous()) {  // the publish API's rules: an API key, or loopback
    if (auto refusal = check_http_publisher(worker.config(), request)) co_return refusal_response(*refusal);
  }
  // A caller with an API key is a trusted backend; anyone else draws on its address's publish budget.
  bool by_api_key = identity.anonymous() && has_api_key(worker.config(), KeyScope::publish);
  if (!by_api_key) {
    if (auto refusal = ClientRates(worker, request.remote()).publish()) co_return error_response(*refusal);
  }
  if (worker.state().shutting_down) co_return error_response(shutting_down_error());
  auto parsed = parse_request(worker.config(), request);
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return error_response(*error);
  auto& batch = std::get<PublishBatch>(parsed);
  if (!identity.anonymous()) {
    if (auto refusal = check_client_batch(access, identity, batch)) co_return refusal_response(*refusal);
  }

  // A batch is one engine operation.
  std::vector<std::string> channels;
  channels.reserve(batch.messages.size());
  for (const auto& message : batch.messages) channels.push_back(message.channel);
  auto& engine = *worker.state().engine;
  HttpResponse answer;
  if (batch.is_batch) {
    auto outcomes =
        co_await async_publish_batch(engine, worker.id(), std::move(batch.messages), asio::use_awaitable);
    answer = batch_answer(worker, channels, outcomes);
  } else {
    auto outcome =
        co_await async_publish(engine, worker.id(), std::move(batch.messages.front()), asio::use_awaitable);
    answer = single_answer(worker, channels.front(), outcome);
  }
  if (answer.result() == http::status::ok) note_publish_duration(worker, started);
  co_return answer;
}

}  // namespace herald
