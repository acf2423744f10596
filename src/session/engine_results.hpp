// What the engine's answers become for a client, in one place for every API (HTTP and herald.v1): the
// error for a failed operation, and the JSON of a history or publish answer with the metrics it counts.
#pragma once
#include <string>

#include "engine/engine.hpp"
#include "protocol/http/api_error.hpp"
#include "runtime/metrics.hpp"

namespace herald {

// 503 engine_unavailable for an engine that cannot serve now (its server unreachable), 503 unavailable
// for one that refused the request (such as the channel limit); docs/protocol.md, Errors.
ApiError engine_error(EngineStatus status, const std::string& reason);

// {"channel","messages","cursor","gap","more"}, counting the messages delivered and the gap; or the
// engine's error.
Parsed<std::string> history_result(MetricsShard& metrics, const std::string& channel,
                                   const HistoryOutcome& outcome);

// {"channel","epoch","offset","cursor","duplicate"}, counting the message published unless it was a
// duplicate; or the engine's error.
Parsed<std::string> publish_result(MetricsShard& metrics, const std::string& channel,
                                   const PublishOutcome& outcome);

}  // namespace herald
