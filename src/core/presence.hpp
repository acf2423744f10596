// Presence: who is subscribed to a channel right now. Each entry is one connection (an id herald gives
// it, unguessable), the user its token names and the info the client or its token supplied; joins and
// leaves are pushed to the subscribers that ask for them. Only channels whose namespace keeps presence
// have any (docs/protocol.md, Presence).
#pragma once
#include <string>
#include <vector>

namespace herald {

struct PresenceClient {
  std::string id;         // herald's id of the connection
  std::string user;       // the token's `sub`; empty for an anonymous client
  std::string info_json;  // JSON text of the client's info; empty when it has none
};

enum class PresenceChange { join, leave };

struct PresenceEvent {
  std::string channel;
  PresenceChange change = PresenceChange::join;
  PresenceClient client;  // for a leave, only the id is sure to be set
};

using PresenceClients = std::vector<PresenceClient>;

}  // namespace herald
