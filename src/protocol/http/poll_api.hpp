// The polling APIs' wire format (GET /api/history and GET /api/lp), without sockets: query parameters
// in, {"channel","messages","cursor","gap","more"} out (a long poll of several channels: one such
// object per channel and a resume token). Messages are copied in as their pre-encoded envelopes.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "protocol/encoded_message.hpp"
#include "protocol/gap_json.hpp"
#include "protocol/http/api_error.hpp"

namespace herald {

struct PollParams {
  std::string channel;
  std::optional<ResumePoint> since;
  std::size_t limit = 100;
  double timeout = 0;  // seconds, long polling only
};

// A long poll follows one or more channels; `since` is a cursor (one channel) or a resume token.
struct LongPollParams {
  std::vector<std::string> channels;
  std::vector<std::optional<ResumePoint>> since;  // per channel; nullopt: from now on
  std::size_t limit = 100;                        // per channel
  double timeout = 0;                             // seconds
};

struct PollLimits {
  std::size_t default_limit = 100;
  std::size_t max_limit = 1000;
  double default_timeout = 25;
  double max_timeout = 55;
};

// channel (required), since, limit (clamped to max_limit), timeout (clamped to max_timeout).
Parsed<PollParams> parse_poll_params(const HttpRequest& request, const PollLimits& limits);

// channel (1 to max_channels, no repeats), since (a resume token), limit and timeout as above.
Parsed<LongPollParams> parse_long_poll_params(const HttpRequest& request, const PollLimits& limits,
                                              std::size_t max_channels);

std::string poll_response_json(const std::string& channel, const std::vector<MessagePtr>& messages,
                               const Cursor& cursor, const std::optional<Gap>& gap, bool more);

// {"channels":[<poll_response_json of each channel>…],"cursor":"<resume token>"}
std::string multi_poll_response_json(const std::vector<std::string>& channel_parts, const std::string& token);

}  // namespace herald
