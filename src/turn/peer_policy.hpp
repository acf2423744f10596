// Which peer addresses a TURN allocation may relay to. By default none that reach the server's own
// network or no one at all: loopback, private (RFC 1918, RFC 6598 shared space, fc00::/7 unique local),
// link-local, multicast, unspecified, reserved and broadcast addresses, in IPv4, IPv6 and IPv4-mapped IPv6
// form. A TURN server that relays there is an open proxy into its own network. `allow_peers`
// (turn.allow_peers) admits addresses despite that, e.g. 127.0.0.0/8 for tests on one machine.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <vector>

#include "protocol/net/address_range.hpp"

namespace herald::turn {

class PeerPolicy {
 public:
  explicit PeerPolicy(std::vector<AddressRange> allow_peers);

  // Whether permissions, channels and Send indications to `peer` are allowed.
  bool allows(const boost::asio::ip::address& peer) const;

  // Whether `peer` is in one of the ranges refused by default (whatever allow_peers says).
  static bool is_restricted(const boost::asio::ip::address& peer);

 private:
  std::vector<AddressRange> allow_peers_;
};

}  // namespace herald::turn
