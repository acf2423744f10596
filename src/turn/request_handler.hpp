// The STUN/TURN server's logic without sockets: a datagram or stream frame from a client goes in, the
// answer to send back comes out, and what must happen elsewhere (a relay socket opened or closed, data sent
// to a peer) is asked of RelayHooks. STUN Binding (RFC 8489) needs no credentials; Allocate, Refresh,
// CreatePermission and ChannelBind (RFC 8656) are authenticated with long-term credentials whose password is
// the TURN REST credential of the username (protocol/stun/rest_credentials), with nonces that expire.
// Send indications and ChannelData from clients, and datagrams from peers, are relayed where a permission
// allows it and the allocation's bandwidth bound has room. One thread calls it; it is not thread-safe.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/stun/address_attributes.hpp"
#include "protocol/stun/message.hpp"
#include "turn/allocation_table.hpp"
#include "turn/nonce_issuer.hpp"
#include "turn/peer_policy.hpp"
#include "turn/turn_metrics.hpp"
#include "turn/turn_settings.hpp"

namespace herald::turn {

// The time of one event: `steady` (seconds, monotonic) for lifetimes and nonces, `wall` for the expiry
// in REST usernames.
struct TurnClock {
  double steady = 0;
  std::chrono::system_clock::time_point wall{};
};

// What the handler needs from the sockets.
class RelayHooks {
 public:
  virtual ~RelayHooks() = default;
  // Opens a relay for a new allocation of `client` (on an even port when `even_port`): its transport
  // address, or nullopt when no such port can be had (the client gets 508).
  virtual std::optional<stun::TransportAddress> open_relay(const ClientKey& client, bool even_port) = 0;
  virtual void close_relay(const ClientKey& client) = 0;
  // Sends `data` from `client`'s relay to `peer`.
  virtual void send_to_peer(const ClientKey& client, const stun::TransportAddress& peer,
                            std::string_view data) = 0;
};

class RequestHandler {
 public:
  RequestHandler(TurnSettings settings, RelayHooks& hooks, TurnMetrics& metrics, NonceIssuer nonces);

  // A datagram (UDP) or frame (TCP) from `client`: the bytes to send back to it, if any.
  std::optional<std::string> on_client_packet(const ClientKey& client, std::string_view bytes,
                                              const TurnClock& now);
  // A datagram from `peer` that arrived at `client`'s relay: the bytes to send to the client (a Data
  // indication or ChannelData), or nullopt when it is dropped (no permission, over the bandwidth bound).
  std::optional<std::string> on_peer_datagram(const ClientKey& client, const stun::TransportAddress& peer,
                                              std::string_view data, const TurnClock& now);
  // Ends the allocations that expired and forgets expired permissions and channel bindings.
  void sweep(const TurnClock& now);
  // The client's connection is gone (TCP): its allocation ends with it.
  void client_gone(const ClientKey& client);

  const AllocationTable& allocations() const { return table_; }

 private:
  struct Credential {
    std::string username;
    std::string user;
    std::string key;
  };
  using Authenticated = std::variant<Credential, std::string>;  // or the error response to send

  std::string on_request(const ClientKey& client, const stun::Message& request, std::string_view bytes,
                         const TurnClock& now);
  Authenticated authenticate(const ClientKey& client, const stun::Message& request, std::string_view bytes,
                             const TurnClock& now);
  std::string challenge(const ClientKey& client, const stun::Message& request, int code,
                        const TurnClock& now);
  std::string allocate(const ClientKey& client, const stun::Message& request, const Credential& credential,
                       const TurnClock& now);
  std::string refresh(const ClientKey& client, Allocation& allocation, const stun::Message& request,
                      const TurnClock& now);
  std::string create_permission(Allocation& allocation, const stun::Message& request, const TurnClock& now);
  std::string channel_bind(Allocation& allocation, const stun::Message& request, const TurnClock& now);
  void on_send_indication(const ClientKey& client, const stun::Message& indication, const TurnClock& now);
  void on_channel_data(const ClientKey& client, std::string_view bytes, const TurnClock& now);
  // Relays `data` to `peer` if the allocation has a permission for it and bandwidth for the data.
  void relay_to_peer(const ClientKey& client, Allocation& allocation, const stun::TransportAddress& peer,
                     std::string_view data, const TurnClock& now);
  // 0 for "delete", else the lifetime RFC 8656 section 7.2 grants for the request's LIFETIME.
  double granted_lifetime(const stun::Message& request) const;
  // Whether `peer` is of the relay's address family.
  bool same_family_as_relay(const stun::TransportAddress& peer) const;
  void end_allocation(const ClientKey& client);

  TurnSettings settings_;
  RelayHooks& hooks_;
  TurnMetrics& metrics_;
  NonceIssuer nonces_;
  PeerPolicy policy_;
  AllocationTable table_;
};

}  // namespace herald::turn
