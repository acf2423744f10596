// The relay port pool (see relay_ports.hpp).
#include "turn/relay_ports.hpp"

namespace herald::turn {

RelayPorts::RelayPorts(PortRange range) : range_(range), taken_(range.last - range.first + 1u, false) {}

std::optional<std::uint16_t> RelayPorts::take(bool even) {
  for (std::size_t tried = 0; tried < taken_.size(); ++tried) {
    std::size_t index = next_;
    next_ = (next_ + 1) % taken_.size();
    if (taken_[index] || (even && (range_.first + index) % 2 != 0)) continue;
    taken_[index] = true;
    ++taken_count_;
    return static_cast<std::uint16_t>(range_.first + index);
  }
  return std::nullopt;
}

void RelayPorts::give_back(std::uint16_t port) {
  if (port < range_.first || port > range_.last) return;
  std::size_t index = port - range_.first;
  if (!taken_[index]) return;
  taken_[index] = false;
  --taken_count_;
}

std::size_t RelayPorts::free_count() const { return taken_.size() - taken_count_; }

}  // namespace herald::turn
