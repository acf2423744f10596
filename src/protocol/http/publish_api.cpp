// Publish API parsing and encoding (see publish_api.hpp).
#include "protocol/http/publish_api.hpp"

#include <boost/json.hpp>

#include "core/channel_name.hpp"
#include "core/utf8.hpp"
#include "protocol/http/exact_json.hpp"
#include "protocol/json_text.hpp"

namespace herald {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxIdempotencyKeyBytes = 128;

ApiError bad_field(std::string message) {
  return {http::status::bad_request, "invalid_field", std::move(message)};
}

Parsed<std::string> checked_channel(std::string_view channel) {
  if (!is_valid_channel_name(channel)) return invalid_channel_error();
  return std::string(channel);
}

Parsed<std::string> checked_event(std::optional<std::string_view> event) {
  if (!event) return std::string(kDefaultEventName);
  if (!is_valid_event_name(*event))
    return ApiError{http::status::bad_request, "invalid_event",
                    "event names are 1-64 bytes of A-Z a-z 0-9 _ . : @ = - and not \"gap\" or \"close\""};
  return std::string(*event);
}

// `name` says where the key came from: the idempotency_key field, or the Idempotency-Key header.
Parsed<std::string> checked_key(std::optional<std::string_view> key, std::string_view name) {
  if (!key) return std::string();
  if (key->empty() || key->size() > kMaxIdempotencyKeyBytes)
    return bad_field(std::string(name) + " must be 1 to 128 bytes");
  if (!is_valid_utf8(*key)) return bad_field(std::string(name) + " is not valid UTF-8");
  return std::string(*key);
}

std::optional<ApiError> check_size(const std::string& data_json, const PublishLimits& limits) {
  if (data_json.size() <= limits.max_message_bytes) return std::nullopt;
  return ApiError{http::status::payload_too_large, "too_large",
                  "data is " + std::to_string(data_json.size()) + " bytes; the limit is " +
                      std::to_string(limits.max_message_bytes)};
}

// A publisher's JSON document, every number in it exact (see exact_json.hpp).
Parsed<json::value> parse_document(std::string_view body) {
  boost::system::error_code ec;
  ExactJson parsed = parse_exact_json(body, ec);
  if (ec)
    return ApiError{http::status::bad_request, "bad_json", "the body is not valid JSON: " + ec.message()};
  if (parsed.unrepresentable) return invalid_number_error(*parsed.unrepresentable);
  return std::move(parsed.value);
}

// Fills `request` from the three checks, or returns the first error.
std::optional<ApiError> assemble(PublishRequest& request, Parsed<std::string> channel,
                                 Parsed<std::string> event, Parsed<std::string> key) {
  for (auto* part : {&channel, &event, &key})
    if (auto* error = std::get_if<ApiError>(part)) return *error;
  request.channel = std::get<std::string>(std::move(channel));
  request.event = std::get<std::string>(std::move(event));
  request.idempotency_key = std::get<std::string>(std::move(key));
  return std::nullopt;
}

// An optional string member: nullopt when absent or null.
Parsed<std::optional<std::string_view>> optional_string(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::string_view>();
  if (!value->is_string()) return bad_field(std::string(name) + " must be a string");
  return std::optional<std::string_view>(value->get_string());
}

}  // namespace

Parsed<PublishRequest> parse_publish_message(const json::value& item, const PublishLimits& limits) {
  if (!item.is_object()) return bad_field("a message must be a JSON object");
  const json::object& object = item.get_object();
  const json::value* channel = object.if_contains("channel");
  if (channel == nullptr || !channel->is_string())
    return bad_field("channel is required and must be a string");
  const json::value* data = object.if_contains("data");
  if (data == nullptr) return bad_field("data is required (any JSON value)");
  auto event = optional_string(object, "event");
  auto key = optional_string(object, "idempotency_key");
  if (auto* error = std::get_if<ApiError>(&event)) return *error;
  if (auto* error = std::get_if<ApiError>(&key)) return *error;

  PublishRequest request;
  if (auto error = assemble(request, checked_channel(channel->get_string()),
                            checked_event(std::get<std::optional<std::string_view>>(event)),
                            checked_key(std::get<std::optional<std::string_view>>(key), "idempotency_key")))
    return *error;
  request.data_json = json::serialize(*data);
  if (auto error = check_size(request.data_json, limits)) return *error;
  return request;
}

namespace {

bool is_json_content_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower;
  for (char c : media) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" || (lower.size() > 5 && lower.ends_with("+json"));
}

}  // namespace

Parsed<PublishBatch> parse_publish_body(std::string_view body, const PublishLimits& limits) {
  auto document = parse_document(body);
  if (auto* error = std::get_if<ApiError>(&document)) return *error;
  const json::value& root = std::get<json::value>(document);
  if (!root.is_object()) return bad_field("the body must be a JSON object");

  PublishBatch batch;
  const json::value* messages = root.get_object().if_contains("messages");
  if (messages == nullptr) {
    auto one = parse_publish_message(root, limits);
    if (auto* error = std::get_if<ApiError>(&one)) return *error;
    batch.messages.push_back(std::get<PublishRequest>(std::move(one)));
    return batch;
  }
  batch.is_batch = true;
  if (!messages->is_array() || messages->get_array().empty() ||
      messages->get_array().size() > limits.max_batch)
    return bad_field("messages must be an array of 1 to " + std::to_string(limits.max_batch) + " messages");
  std::size_t index = 0;
  for (const auto& item : messages->get_array()) {
    auto one = parse_publish_message(item, limits);
    if (auto* error = std::get_if<ApiError>(&one)) {
      error->message = "messages[" + std::to_string(index) + "]: " + error->message;
      return *error;
    }
    batch.messages.push_back(std::get<PublishRequest>(std::move(one)));
    ++index;
  }
  return batch;
}

Parsed<PublishRequest> parse_raw_publish(std::string channel, std::string_view content_type,
                                         std::string_view body, std::optional<std::string_view> event,
                                         std::optional<std::string_view> idempotency_key,
                                         const PublishLimits& limits) {
  PublishRequest request;
  if (auto error = assemble(request, checked_channel(channel), checked_event(event),
                            checked_key(idempotency_key, "the Idempotency-Key header")))
    return *error;
  if (is_json_content_type(content_type)) {
    auto data = parse_document(body);
    if (auto* error = std::get_if<ApiError>(&data)) return *error;
    request.data_json = json::serialize(std::get<json::value>(data));
  } else {
    if (!is_valid_utf8(body)) return bad_field("a text body must be valid UTF-8");
    request.data_json = json::serialize(json::string_view(body.data(), body.size()));
  }
  if (auto error = check_size(request.data_json, limits)) return *error;
  return request;
}

std::string publish_result_json(const std::string& channel, const PublishResult& result) {
  const Cursor& cursor = result.cursor;
  std::string out;
  out.reserve(96 + channel.size() + 2 * cursor.epoch.size());
  out += "{\"channel\":";
  append_json_string(out, channel);
  out += ",\"epoch\":";
  append_json_string(out, cursor.epoch);
  out += ",\"offset\":";
  append_decimal(out, cursor.offset);
  out += ",\"cursor\":\"";
  append_cursor(out, cursor.epoch, cursor.offset);
  out += result.duplicate ? "\",\"duplicate\":true}" : "\",\"duplicate\":false}";
  return out;
}

std::string publish_refusal_json(const std::string& channel, const ApiError& refusal) {
  std::string out = "{\"channel\":";
  append_json_string(out, channel);
  out += ",\"error\":";
  out += error_object_json(refusal);
  out += '}';
  return out;
}

std::string batch_results_json(const std::vector<std::string>& results, const ApiError* first_refusal) {
  std::size_t size = 16;
  for (const auto& result : results) size += result.size() + 1;
  std::string out;
  out.reserve(size);
  out += '{';
  if (first_refusal != nullptr) {
    out += "\"error\":";
    out += error_object_json(*first_refusal);
    out += ',';
  }
  out += "\"results\":[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i > 0) out += ',';
    out += results[i];
  }
  out += "]}";
  return out;
}

}  // namespace herald
