// Transport-address attributes (RFC 8489 sections 14.1-14.2, RFC 8656 sections 18.3 and 18.5):
// MAPPED-ADDRESS as it is, and XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS with the port
// XORed with the top 16 bits of the magic cookie and the address with the cookie (IPv4) or the cookie
// followed by the transaction id (IPv6). Value: a zero byte, the family (1 IPv4, 2 IPv6), port, address.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/stun/message.hpp"

namespace herald::stun {

struct TransportAddress {
  boost::asio::ip::address address;
  std::uint16_t port = 0;

  friend bool operator==(const TransportAddress&, const TransportAddress&) = default;
};

// The family byte of address attributes and of REQUESTED-ADDRESS-FAMILY.
enum class AddressFamily : std::uint8_t { ipv4 = 0x01, ipv6 = 0x02 };

Attribute make_mapped_address(const TransportAddress& address);

// `type` is attribute::xor_mapped_address, xor_peer_address or xor_relayed_address.
Attribute make_xor_address(std::uint16_t type, const TransportAddress& address, const TransactionId& id);

// The address in a MAPPED-ADDRESS value; nullopt for an unknown family or a length that does not match it
// (8 bytes for IPv4, 20 for IPv6). The first byte is ignored, as the RFC says.
std::optional<TransportAddress> read_mapped_address(std::string_view value);

// The address in an XOR-*-ADDRESS value of a message with transaction id `id`; nullopt as above.
std::optional<TransportAddress> read_xor_address(std::string_view value, const TransactionId& id);

}  // namespace herald::stun
