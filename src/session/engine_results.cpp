// Engine answers for clients (see engine_results.hpp).
#include "session/engine_results.hpp"

#include "protocol/http/poll_api.hpp"
#include "protocol/http/publish_api.hpp"

namespace herald {

ApiError engine_error(EngineStatus status, const std::string& reason) {
  if (status == EngineStatus::unavailable)
    return {http::status::service_unavailable, "engine_unavailable", reason};
  return unavailable_error(reason);
}

Parsed<std::string> history_result(MetricsShard& metrics, const std::string& channel,
                                   const HistoryOutcome& outcome) {
  if (outcome.status != EngineStatus::ok) return engine_error(outcome.status, outcome.error);
  metrics.delivered(Delivery::history, outcome.messages.size());
  if (outcome.gap) metrics.gap();
  return poll_response_json(channel, outcome.messages, outcome.cursor, outcome.gap, outcome.more);
}

Parsed<std::string> publish_result(MetricsShard& metrics, const std::string& channel,
                                   const PublishOutcome& outcome) {
  if (outcome.status != EngineStatus::ok) return engine_error(outcome.status, outcome.error);
  if (!outcome.duplicate) metrics.published();
  return publish_result_json(channel, outcome);
}

}  // namespace herald
