// One TURN allocation (RFC 8656 section 2.2): the relay transport address a client got, who it belongs
// to (the client's 5-tuple: protocol and transport address, the server's side being the one listening
// address), its expiry, its permissions (peer IP addresses, 300 s each) and its channel bindings (channel
// number <-> peer transport address, 600 s each), and the byte budget of its bandwidth bound. Pure data and
// rules; the relay socket belongs to the server. Times are seconds on a monotonic clock.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "core/token_bucket.hpp"
#include "protocol/stun/address_attributes.hpp"
#include "protocol/stun/channel_data.hpp"
#include "protocol/stun/message.hpp"

namespace herald::turn {

enum class ClientProtocol : std::uint8_t { udp, tcp };

// Who an allocation belongs to: the client's end of the 5-tuple.
struct ClientKey {
  ClientProtocol protocol = ClientProtocol::udp;
  stun::TransportAddress address;

  friend bool operator<(const ClientKey& a, const ClientKey& b) {
    return std::tie(a.protocol, a.address.address, a.address.port) <
           std::tie(b.protocol, b.address.address, b.address.port);
  }
  friend bool operator==(const ClientKey&, const ClientKey&) = default;
};

// "udp 127.0.0.1:5000": for logs and for binding nonces to a client.
std::string describe(const ClientKey& client);

// The channel numbers clients may bind: RFC 5766's 0x4000-0x7FFF, which includes RFC 8656's 0x4000-0x4FFF
// (browsers choose from the start of it). Clients written for RFC 5766 choose anywhere in it, and on the
// TURN port nothing else arrives whose first byte is 80-127 (docs/architecture.md, "The STUN/TURN server").
inline constexpr stun::ChannelRange kChannelRange = stun::ChannelRange::rfc5766;

// RFC 8656 section 12: after a binding expires, neither its number nor its peer may be bound to anything
// else for 5 more minutes, so that late packets are not misdirected.
inline constexpr double kChannelQuarantine = 300;

struct ChannelBinding {
  stun::TransportAddress peer;
  double expires = 0;
};

enum class BindResult { bound, number_in_use, peer_in_use };

struct Allocation {
  ClientKey client;
  std::string username;  // the USERNAME that created it: later requests must carry the same
  std::string user;      // the user part of that REST username, which the per-user quota counts
  std::string key;       // the long-term key of the credential (responses are signed with it)
  stun::TransportAddress relay;
  double expires = 0;
  stun::TransactionId allocate_transaction{};  // a retransmitted Allocate gets the same answer again
  std::string allocate_response;
  std::map<boost::asio::ip::address, double> permissions;  // peer IP -> expiry
  std::map<std::uint16_t, ChannelBinding> channels;
  std::optional<TokenBucket> bandwidth;  // bytes; none: no bound

  bool has_permission(const boost::asio::ip::address& peer, double now) const;
  void permit(const boost::asio::ip::address& peer, double now, double lifetime);

  // The peer of a channel that carries data now, or nullptr.
  const stun::TransportAddress* channel_peer(std::uint16_t number, double now) const;
  // The channel bound to `peer` that carries data now.
  std::optional<std::uint16_t> channel_of(const stun::TransportAddress& peer, double now) const;
  // Binds `number` to `peer`, or refreshes that binding (RFC 8656 section 11.2's rules: a number bound,
  // or still quarantined, to another peer, and a peer bound to another number, are refused).
  BindResult bind(std::uint16_t number, const stun::TransportAddress& peer, double now, double lifetime);

  // Forgets permissions that have expired and bindings past their quarantine.
  void drop_expired(double now);

  // Whether `bytes` more fit the bandwidth bound now (and takes them from the budget).
  bool take_bandwidth(std::size_t bytes, double now);
};

}  // namespace herald::turn
