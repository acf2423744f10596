// One published message as the channel model sees it: which channel, where it sits in that channel's
// stream (epoch and offset), when it was published and under which event name. Plain data: the
// payload travels with the message's wire encodings (protocol/encoded_message.hpp), which are made
// once per message and shared by every subscriber.
#pragma once
#include <cstdint>
#include <string>

#include "core/cursor.hpp"

namespace herald {

struct Message {
  std::string channel;
  std::string epoch;
  std::uint64_t offset = 0;
  std::int64_t time_ms = 0;  // milliseconds since the Unix epoch
  std::string event;

  Cursor cursor() const { return Cursor{epoch, offset}; }
};

}  // namespace herald
