// GET /api/history: simple polling (see api_handlers.hpp and docs/protocol.md).
#include <boost/asio/use_awaitable.hpp>

#include "auth/publish_policy.hpp"
#include "engine/engine_async.hpp"
#include "protocol/http/poll_api.hpp"
#include "session/engine_results.hpp"
#include "transport/api_handlers.hpp"

namespace herald {
namespace asio = boost::asio;

asio::awaitable<HttpResponse> handle_history(Worker& worker, const Access& access,
                                             const HttpRequest& request) {
  auto parsed = parse_poll_params(request, PollLimits{100, 1000, 0, 0});
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return error_response(*error);
  auto& params = std::get<PollParams>(parsed);
  auto admitted = access.admit_subscriber(request, {params.channel});
  if (auto* refusal = std::get_if<ApiError>(&admitted)) co_return refusal_response(*refusal);

  HistoryRequest query{params.channel, params.since, params.limit};
  HistoryOutcome outcome =
      co_await async_history(*worker.state().engine, worker.id(), std::move(query), asio::use_awaitable);
  auto result = history_result(worker.metrics(), params.channel, outcome);
  if (auto* error = std::get_if<ApiError>(&result)) co_return error_response(*error);
  co_return json_response(http::status::ok, std::get<std::string>(std::move(result)));
}

}  // namespace herald
