// The JSON of signaling rooms on the WebSocket: the join reply's fields and the peer_joined / peer_left
// pushes (docs/protocol.md, Signaling). A peer is a presence client: {"id":…,"user":…,"info":…}.
#pragma once
#include <string>
#include <string_view>

#include "core/presence.hpp"

namespace herald {

// {"room":…,"you":…,"peers":[…]}: everyone present but `you`.
std::string join_reply_fields(std::string_view room, std::string_view you, const PresenceClients& present);
// {"op":"peer_joined"|"peer_left","room":…,"peer":{…}}
std::string peer_push(const PresenceEvent& event);

}  // namespace herald
