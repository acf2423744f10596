// Allocations (see allocation.hpp).
#include "turn/allocation.hpp"

namespace herald::turn {

std::string describe(const ClientKey& client) {
  const auto& address = client.address.address;
  std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return std::string(client.protocol == ClientProtocol::udp ? "udp " : "tcp ") + host + ":" +
         std::to_string(client.address.port);
}

bool Allocation::has_permission(const boost::asio::ip::address& peer, double now) const {
  auto found = permissions.find(peer);
  return found != permissions.end() && now < found->second;
}

void Allocation::permit(const boost::asio::ip::address& peer, double now, double lifetime) {
  permissions[peer] = now + lifetime;
}

const stun::TransportAddress* Allocation::channel_peer(std::uint16_t number, double now) const {
  auto found = channels.find(number);
  if (found == channels.end() || now >= found->second.expires) return nullptr;
  return &found->second.peer;
}

std::optional<std::uint16_t> Allocation::channel_of(const stun::TransportAddress& peer, double now) const {
  for (const auto& [number, binding] : channels)
    if (binding.peer == peer && now < binding.expires) return number;
  return std::nullopt;
}

BindResult Allocation::bind(std::uint16_t number, const stun::TransportAddress& peer, double now,
                            double lifetime) {
  auto held = [now](const ChannelBinding& binding) { return now < binding.expires + kChannelQuarantine; };
  auto found = channels.find(number);
  if (found != channels.end() && held(found->second) && !(found->second.peer == peer))
    return BindResult::number_in_use;
  for (const auto& [other, binding] : channels)
    if (other != number && binding.peer == peer && held(binding)) return BindResult::peer_in_use;
  channels[number] = ChannelBinding{peer, now + lifetime};
  return BindResult::bound;
}

void Allocation::drop_expired(double now) {
  std::erase_if(permissions, [now](const auto& entry) { return now >= entry.second; });
  std::erase_if(channels,
                [now](const auto& entry) { return now >= entry.second.expires + kChannelQuarantine; });
}

bool Allocation::take_bandwidth(std::size_t bytes, double now) {
  return !bandwidth || bandwidth->take(now, static_cast<double>(bytes));
}

}  // namespace herald::turn
