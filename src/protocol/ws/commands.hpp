// The herald.v1 WebSocket protocol, without sockets: client commands (JSON text frames with an id and
// an op) parsed into Command values, and the replies and pushes the server sends back.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/publish.hpp"
#include "protocol/gap_json.hpp"
#include "protocol/http/api_error.hpp"
#include "protocol/http/publish_api.hpp"

namespace herald::ws {

enum class Op { subscribe, unsubscribe, publish, history, ping, refresh, presence, join, leave, signal };

struct Command {
  Op op = Op::ping;
  std::string id = "null";           // the client's id as JSON text, echoed in the reply
  std::string channel;               // join, leave, signal: the room
  std::optional<ResumePoint> since;  // subscribe, history
  std::size_t limit = 100;           // history
  PublishRequest publish;            // publish
  std::string token;                 // refresh: a connection token
  bool presence_events = false;      // subscribe: push joins and leaves of the channel's presence
  std::string info_json;             // subscribe, join: the client's presence info as JSON text; empty: none
  std::string to;                    // signal: the peer's id
  std::string data_json;             // signal: any JSON value, as text
};

struct CommandError {
  std::string id;
  ApiError error;
};

std::variant<Command, CommandError> parse_command(std::string_view text, const PublishLimits& limits);

// {"id":ID,"ok":true} plus the members of `fields` (a JSON object's text, or empty).
std::string ok_reply(std::string_view id, std::string_view fields = {});
// {"id":ID,"ok":false,"error":{"code":…,"message":…}}
std::string error_reply(std::string_view id, const ApiError& error);
// {"id":ID,"ok":true,"channel":…,"cursor":…,"recovered":…}
std::string subscribe_reply(std::string_view id, const std::string& channel, const Cursor& cursor,
                            bool recovered);
// {"op":"gap","channel":…,"requested":…,"continue_from":…}
std::string gap_push(const Gap& gap);

}  // namespace herald::ws
