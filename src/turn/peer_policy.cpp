// Peer policy (see peer_policy.hpp).
#include "turn/peer_policy.hpp"

#include <array>
#include <string_view>

namespace herald::turn {
namespace {

// The ranges refused by default. IPv4-mapped addresses are checked as the IPv4 address they carry.
constexpr std::array<std::string_view, 17> kRestricted = {
    "0.0.0.0/8",       // "this network", including the unspecified 0.0.0.0
    "10.0.0.0/8",      // private (RFC 1918)
    "100.64.0.0/10",   // shared address space behind carrier-grade NAT (RFC 6598)
    "127.0.0.0/8",     // loopback
    "169.254.0.0/16",  // link-local
    "172.16.0.0/12",   // private
    "192.0.0.0/24",    // IETF protocol assignments
    "192.168.0.0/16",  // private
    "198.18.0.0/15",   // benchmarking networks
    "224.0.0.0/4",     // multicast
    "240.0.0.0/4",     // reserved, including the broadcast address 255.255.255.255
    "::/128",          // unspecified
    "::1/128",         // loopback
    "64:ff9b:1::/48",  // local-use IPv4/IPv6 translation
    "fc00::/7",        // unique local
    "fe80::/10",       // link-local
    "ff00::/8",        // multicast
};

const std::vector<AddressRange>& restricted_ranges() {
  static const std::vector<AddressRange> ranges = [] {
    std::vector<AddressRange> parsed;
    for (auto text : kRestricted) parsed.push_back(*AddressRange::parse(text));
    return parsed;
  }();
  return ranges;
}

}  // namespace

PeerPolicy::PeerPolicy(std::vector<AddressRange> allow_peers) : allow_peers_(std::move(allow_peers)) {}

bool PeerPolicy::is_restricted(const boost::asio::ip::address& peer) {
  return contains_any(restricted_ranges(), unmapped(peer));
}

bool PeerPolicy::allows(const boost::asio::ip::address& peer) const {
  return !is_restricted(peer) || contains_any(allow_peers_, peer);
}

}  // namespace herald::turn
