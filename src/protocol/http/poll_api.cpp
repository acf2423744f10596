// Polling API parsing and encoding (see poll_api.hpp).
#include "protocol/http/poll_api.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/resume_token.hpp"
#include "protocol/http/channel_param.hpp"

namespace herald {
namespace {

template <typename Number>
std::optional<Number> parse_number(const std::string& text) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || !(value >= 0))
    return std::nullopt;
  if constexpr (std::is_floating_point_v<Number>)
    if (!std::isfinite(value)) return std::nullopt;
  return value;
}

bool is_all_digits(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A positive integer, clamped to `max`: any run of digits above it (even beyond 64 bits) gives `max`.
std::optional<std::size_t> parse_limit(const std::string& text, std::size_t max) {
  if (!is_all_digits(text)) return std::nullopt;
  auto value = parse_number<std::size_t>(text);
  if (!value) return max;  // out of range: digits only, so larger than any max
  if (*value == 0) return std::nullopt;
  return std::min(*value, max);
}

// limit (clamped to max_limit) and timeout (clamped to max_timeout), into `limit` and `timeout`.
std::optional<ApiError> read_limit_and_timeout(const HttpRequest& request, const PollLimits& limits,
                                               std::size_t& limit, double& timeout) {
  limit = limits.default_limit;
  if (auto text = request.param("limit")) {
    auto value = parse_limit(*text, limits.max_limit);
    if (!value)
      return ApiError{http::status::bad_request, "invalid_field", "limit must be a positive integer"};
    limit = *value;
  }
  timeout = limits.default_timeout;
  if (auto text = request.param("timeout")) {
    auto value = parse_number<double>(*text);
    if (!value)
      return ApiError{http::status::bad_request, "invalid_field", "timeout must be a number of seconds"};
    timeout = *value;
  }
  timeout = std::min(timeout, limits.max_timeout);
  return std::nullopt;
}

}  // namespace

Parsed<PollParams> parse_poll_params(const HttpRequest& request, const PollLimits& limits) {
  PollParams params;
  auto channel = required_channel_param(request);
  if (auto* error = std::get_if<ApiError>(&channel)) return std::move(*error);
  params.channel = std::get<std::string>(std::move(channel));
  if (auto since = request.param("since"); since && !since->empty())
    params.since = ResumePoint::from_text(*since);
  if (auto error = read_limit_and_timeout(request, limits, params.limit, params.timeout))
    return std::move(*error);
  return params;
}

Parsed<LongPollParams> parse_long_poll_params(const HttpRequest& request, const PollLimits& limits,
                                              std::size_t max_channels) {
  LongPollParams params;
  auto channels = channel_list_param(request, max_channels, "a long poll follows");
  if (auto* error = std::get_if<ApiError>(&channels)) return std::move(*error);
  params.channels = std::get<std::vector<std::string>>(std::move(channels));
  params.since.resize(params.channels.size());
  if (auto since = request.param("since"); since && !since->empty()) {
    auto parts = split_resume_token(*since, params.channels.size());
    for (std::size_t i = 0; i < parts.size(); ++i) params.since[i] = std::move(parts[i]);
  }
  if (auto error = read_limit_and_timeout(request, limits, params.limit, params.timeout))
    return std::move(*error);
  return params;
}

std::string poll_response_json(const std::string& channel, const std::vector<MessagePtr>& messages,
                               const Cursor& cursor, const std::optional<Gap>& gap, bool more) {
  std::size_t size = 96 + channel.size();
  for (const auto& message : messages) size += message->envelope.size() + 1;
  std::string out;
  out.reserve(size);
  out += "{\"channel\":\"";
  out += channel;  // channel names need no escaping
  out += "\",\"messages\":[";
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i > 0) out += ',';
    out += messages[i]->envelope;
  }
  out += "],\"cursor\":\"";
  out += cursor.to_string();
  out += "\",\"gap\":";
  out += gap ? gap_to_json(*gap) : "null";
  out += ",\"more\":";
  out += more ? "true" : "false";
  out += '}';
  return out;
}

std::string multi_poll_response_json(const std::vector<std::string>& channel_parts,
                                     const std::string& token) {
  std::size_t size = 32 + token.size();
  for (const auto& part : channel_parts) size += part.size() + 1;
  std::string out;
  out.reserve(size);
  out += "{\"channels\":[";
  for (std::size_t i = 0; i < channel_parts.size(); ++i) {
    if (i > 0) out += ',';
    out += channel_parts[i];
  }
  out += "],\"cursor\":\"";
  out += token;  // cursors need no escaping
  out += "\"}";
  return out;
}

}  // namespace herald
