// Presence as JSON (see presence_json.hpp).
#include "protocol/presence_json.hpp"

#include <boost/json.hpp>

namespace herald {
namespace json = boost::json;
namespace {

// A JSON string literal of `text`, quotes and escapes included.
std::string quoted(std::string_view text) { return json::serialize(json::string(text)); }

}  // namespace

std::string presence_client_json(const PresenceClient& client) {
  std::string out = "{\"id\":" + quoted(client.id) + ",\"user\":";
  out += client.user.empty() ? "null" : quoted(client.user);
  out += ",\"info\":";
  out += client.info_json.empty() ? "null" : client.info_json;  // already JSON text
  out += '}';
  return out;
}

std::string presence_list_json(const PresenceClients& clients) {
  std::string out = "[";
  for (const auto& client : clients) {
    if (out.size() > 1) out += ',';
    out += presence_client_json(client);
  }
  out += ']';
  return out;
}

std::string_view presence_change_name(PresenceChange change) {
  return change == PresenceChange::join ? "join" : "leave";
}

std::string presence_event_json(const PresenceEvent& event) {
  return "{\"channel\":" + quoted(event.channel) + ",\"client\":" + presence_client_json(event.client) + "}";
}

std::string presence_push(const PresenceEvent& event) {
  return "{\"op\":\"" + std::string(presence_change_name(event.change)) +
         "\",\"channel\":" + quoted(event.channel) + ",\"client\":" + presence_client_json(event.client) +
         "}";
}

std::string presence_reply_fields(std::string_view channel, std::string_view you,
                                  const PresenceClients& clients) {
  std::string out = "{\"channel\":" + quoted(channel);
  if (!you.empty()) out += ",\"you\":" + quoted(you);
  out += ",\"clients\":" + presence_list_json(clients) + "}";
  return out;
}

ApiError presence_disabled_error(std::string_view channel) {
  return {http::status::bad_request, "presence_disabled",
          "channel " + std::string(channel) +
              " keeps no presence (no [[namespace]] with presence = true covers it)"};
}

}  // namespace herald
