// Publishing as the channel model sees it: what a publisher asks for (from the HTTP API or a WebSocket
// client) and what it gets back, the message's position in its channel.
#pragma once
#include <string>

#include "core/cursor.hpp"

namespace herald {

struct PublishRequest {
  std::string channel;          // a valid channel name
  std::string event;            // a valid event name
  std::string data_json;        // serialized JSON
  std::string idempotency_key;  // empty: none
};

struct PublishResult {
  Cursor cursor;           // where the message is in its channel
  bool duplicate = false;  // an earlier publish with the same idempotency key answered
};

}  // namespace herald
