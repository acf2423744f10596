// The JSON forms of presence, the same on every transport: a client is
// {"id":…,"user":…|null,"info":…|null}; a change is {"channel":…,"client":{…}} (an SSE `join`/`leave`
// event's data), or {"op":"join"|"leave","channel":…,"client":{…}} as a WebSocket push.
#pragma once
#include <string>
#include <string_view>

#include "core/presence.hpp"
#include "protocol/http/api_error.hpp"

namespace herald {

std::string presence_client_json(const PresenceClient& client);
// [client, …]
std::string presence_list_json(const PresenceClients& clients);
// "join" or "leave"
std::string_view presence_change_name(PresenceChange change);
// {"channel":…,"client":{…}}
std::string presence_event_json(const PresenceEvent& event);
// {"op":"join"|"leave","channel":…,"client":{…}}
std::string presence_push(const PresenceEvent& event);
// {"channel":…,"clients":[…]} (GET /api/presence), with "you":… (the asking client's id) when given.
std::string presence_reply_fields(std::string_view channel, std::string_view you,
                                  const PresenceClients& clients);
// 400 presence_disabled: the channel's namespace keeps no presence.
ApiError presence_disabled_error(std::string_view channel);

}  // namespace herald
