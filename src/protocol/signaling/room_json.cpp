// Room JSON (see room_json.hpp).
#include "protocol/signaling/room_json.hpp"

#include <boost/json.hpp>

#include "protocol/presence_json.hpp"

namespace herald {
namespace {

std::string quoted(std::string_view text) { return boost::json::serialize(boost::json::string(text)); }

}  // namespace

std::string join_reply_fields(std::string_view room, std::string_view you, const PresenceClients& present) {
  std::string out = "{\"room\":" + quoted(room) + ",\"you\":" + quoted(you) + ",\"peers\":[";
  bool first = true;
  for (const auto& client : present) {
    if (client.id == you) continue;
    if (!first) out += ',';
    first = false;
    out += presence_client_json(client);
  }
  out += "]}";
  return out;
}

std::string peer_push(const PresenceEvent& event) {
  std::string out =
      event.change == PresenceChange::join ? "{\"op\":\"peer_joined\"" : "{\"op\":\"peer_left\"";
  out += ",\"room\":" + quoted(event.channel);
  out += ",\"peer\":" + presence_client_json(event.client) + "}";
  return out;
}

}  // namespace herald
