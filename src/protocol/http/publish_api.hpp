// The publish API's wire format, without sockets: turning request bodies into publish requests (with
// every check the API promises) and publish outcomes into response bodies.
#pragma once
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/publish.hpp"
#include "protocol/http/api_error.hpp"

namespace herald {

struct PublishLimits {
  std::size_t max_message_bytes = 64 * 1024;
  std::size_t max_batch = 100;
};

struct PublishBatch {
  std::vector<PublishRequest> messages;
  bool is_batch = false;  // {"messages":[…]}: the answer is {"results":[…]}
};

// POST /api/publish: {"channel","data","event"?,"idempotency_key"?} or {"messages":[…]}.
Parsed<PublishBatch> parse_publish_body(std::string_view body, const PublishLimits& limits);

// One message object {"channel","data","event"?,"idempotency_key"?} (also what WebSocket clients send).
Parsed<PublishRequest> parse_publish_message(const boost::json::value& message, const PublishLimits& limits);

// POST /api/publish/{channel}: the body is the data; JSON when `content_type` says so, else a string.
// `event` (the event query parameter) and `idempotency_key` (the Idempotency-Key header) are nullopt
// when the request has none.
Parsed<PublishRequest> parse_raw_publish(std::string channel, std::string_view content_type,
                                         std::string_view body, std::optional<std::string_view> event,
                                         std::optional<std::string_view> idempotency_key,
                                         const PublishLimits& limits);

// {"channel","epoch","offset","cursor","duplicate"}
std::string publish_result_json(const std::string& channel, const PublishResult& result);

// {"channel","error":{"code","message"}}: the result of a message of a batch that was not published.
std::string publish_refusal_json(const std::string& channel, const ApiError& refusal);

// A batch's answer: {"results":[…]} with the results in the order of the messages, preceded by
// "error" (the first refusal) when some message was not published.
std::string batch_results_json(const std::vector<std::string>& results, const ApiError* first_refusal);

}  // namespace herald
