// The pool of UDP ports relays are bound on (turn.relay_ports): which are free, handed out in turn from
// where the last one was taken, so that a port just given back is the last to be reused (late packets of
// an old allocation then do not reach a new one).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "turn/turn_settings.hpp"

namespace herald::turn {

class RelayPorts {
 public:
  explicit RelayPorts(PortRange range);

  // The next free port (an even one when `even`), marked taken; nullopt when there is none.
  std::optional<std::uint16_t> take(bool even = false);
  void give_back(std::uint16_t port);
  std::size_t free_count() const;

 private:
  PortRange range_;
  std::vector<bool> taken_;
  std::size_t next_ = 0;
  std::size_t taken_count_ = 0;
};

}  // namespace herald::turn
