// How the Redis engine writes presence into Redis and onto pub/sub, without I/O. A channel's presence is
// a hash, client id → entry; its scripts (redis_scripts.cpp) write both forms below, this file reads them:
//
//   entry   "<join order>\n<node id>\n<user length>\n<user><info JSON>"
//   frame   "!p\n<j|l>\n<client id>\n<user length>\n<user><info JSON>"   on the channel's topic
//
// A message on the topic starts with its epoch (letters and digits), so a frame, which starts with '!',
// is never taken for one. The user's length comes first because a token's subject may hold any byte.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/presence.hpp"

namespace herald::redis {

struct PresenceEntry {
  std::uint64_t order = 0;  // when the client joined: smaller is earlier
  std::string node;         // the herald node the client is connected to
  PresenceClient client;
};

// The entry of `client_id` from its hash value; nullopt when malformed.
std::optional<PresenceEntry> decode_presence_entry(std::string_view client_id, std::string_view value);

// Everyone in a presence hash (HGETALL's flat list: id, entry, id, entry, …), in join order. Malformed
// entries are left out.
PresenceClients presence_list(const std::vector<std::string_view>& fields_and_values);

bool is_presence_frame(std::string_view payload);
// The event a frame on `channel`'s topic carries; nullopt when malformed.
std::optional<PresenceEvent> decode_presence_frame(std::string_view channel, std::string_view payload);

}  // namespace herald::redis
