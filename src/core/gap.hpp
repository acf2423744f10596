// The explicit signal that a client's cursor could not be resumed without loss: which channel, the
// cursor it asked for, and the position it continues from (the next message has that offset + 1).
#pragma once
#include <string>

#include "core/cursor.hpp"

namespace herald {

struct Gap {
  std::string channel;
  std::string requested;
  Cursor continue_from;
};

}  // namespace herald
