// Server-Sent Events (GET /api/sse): one long response per client that carries the messages of one or
// more channels as SSE events. Each event's id is a resume token for all channels of the stream, so a
// reconnect with Last-Event-ID resumes every channel exactly where it stopped. The stream owns its
// socket after the HTTP session hands it over.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/cursor.hpp"
#include "core/presence.hpp"
#include "protocol/http/api_error.hpp"
#include "runtime/connection_slot.hpp"
#include "runtime/subscriber_counts.hpp"
#include "runtime/worker.hpp"

namespace herald {

struct SseParams {
  std::vector<std::string> channels;
  std::vector<std::optional<ResumePoint>> since;  // per channel; nullopt: from now on
  bool raw = false;                               // format=raw: the payload itself as data
  std::optional<std::chrono::system_clock::time_point> token_expires;  // the stream ends then (token_expired)
  std::string extra_headers;  // header lines ("Name: value\r\n") added to the response, e.g. CORS
  std::vector<SubscriberSeat>
      seats;  // the stream's places on channels with max_subscribers, held until it ends
  // Presence: the stream is in the presence of each channel that keeps it (per channel, set by the
  // caller), as `presence_client`; presence=true asks for the list and join/leave events.
  bool presence_events = false;
  std::string info_json;  // info=…: the client's presence info as JSON text; empty: none
  std::vector<bool> keeps_presence;
  PresenceClient presence_client;
};

// channel=… (1 to max_channels, no repeats), since=TOKEN or the Last-Event-ID header, format=raw|json,
// presence=true|false, info=JSON (at most `max_info_bytes`).
Parsed<SseParams> parse_sse_params(const HttpRequest& request, std::size_t max_channels,
                                   std::size_t max_info_bytes);

// Takes over `stream` (whose request has been read) and runs the event stream until it ends.
template <typename Stream>
void start_sse_stream(Stream stream, Worker& worker, ConnectionSlot slot, SseParams params);

}  // namespace herald
