// GET /api/presence: who is subscribed to a channel right now (see api_handlers.hpp and docs/protocol.md).
#include <boost/asio/use_awaitable.hpp>

#include "auth/publish_policy.hpp"
#include "engine/engine_async.hpp"
#include "protocol/http/channel_param.hpp"
#include "protocol/presence_json.hpp"
#include "session/engine_results.hpp"
#include "transport/api_handlers.hpp"

namespace herald {
namespace asio = boost::asio;

asio::awaitable<HttpResponse> handle_presence(Worker& worker, const Access& access,
                                              const HttpRequest& request) {
  auto parsed = required_channel_param(request);
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return error_response(*error);
  auto& channel = std::get<std::string>(parsed);
  auto admitted = access.admit_subscriber(request, {channel});
  if (auto* refusal = std::get_if<ApiError>(&admitted)) co_return refusal_response(*refusal);
  if (!access.keeps_presence(channel)) co_return error_response(presence_disabled_error(channel));

  PresenceOutcome outcome =
      co_await async_presence(*worker.state().engine, worker.id(), channel, asio::use_awaitable);
  if (outcome.status != EngineStatus::ok)
    co_return error_response(engine_error(outcome.status, outcome.error));
  co_return json_response(http::status::ok, presence_reply_fields(channel, {}, outcome.clients));
}

}  // namespace herald
