// Peer inboxes (see peer_inbox.hpp).
#include "protocol/signaling/peer_inbox.hpp"

#include <boost/json.hpp>

namespace herald {
namespace json = boost::json;

std::string inbox_channel(std::string_view peer_id) { return "$peer:" + std::string(peer_id); }

std::string signal_message_json(std::string_view room, std::string_view from, std::string_view data_json) {
  std::string out = "{\"room\":" + json::serialize(json::string(room));
  out += ",\"from\":" + json::serialize(json::string(from));
  out += ",\"data\":";
  out += data_json;
  out += '}';
  return out;
}

std::optional<InboxSignal> read_signal_message(std::string_view data_json) {
  boost::system::error_code error;
  json::value value = json::parse(data_json, error);
  if (error || !value.is_object()) return std::nullopt;
  const json::object& object = value.get_object();
  const json::value* room = object.if_contains("room");
  const json::value* from = object.if_contains("from");
  if (room == nullptr || !room->is_string() || from == nullptr || !from->is_string() ||
      !object.contains("data"))
    return std::nullopt;
  // {"room":…} becomes {"op":"signal","room":…}: the data's own text, untouched.
  std::string push = "{\"op\":\"signal\",";
  push.append(data_json.substr(data_json.find('{') + 1));
  return InboxSignal{std::string(room->get_string()), std::move(push)};
}

}  // namespace herald
