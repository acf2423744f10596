// Names of the attribute types this codec knows, in one table.
#include "protocol/stun/attribute_type.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace herald::stun::attribute {
namespace {

constexpr std::array<std::pair<std::uint16_t, std::string_view>, 21> kNames{{
    {mapped_address, "MAPPED-ADDRESS"},
    {username, "USERNAME"},
    {message_integrity, "MESSAGE-INTEGRITY"},
    {error_code, "ERROR-CODE"},
    {unknown_attributes, "UNKNOWN-ATTRIBUTES"},
    {realm, "REALM"},
    {nonce, "NONCE"},
    {message_integrity_sha256, "MESSAGE-INTEGRITY-SHA256"},
    {xor_mapped_address, "XOR-MAPPED-ADDRESS"},
    {software, "SOFTWARE"},
    {fingerprint, "FINGERPRINT"},
    {channel_number, "CHANNEL-NUMBER"},
    {lifetime, "LIFETIME"},
    {xor_peer_address, "XOR-PEER-ADDRESS"},
    {data, "DATA"},
    {xor_relayed_address, "XOR-RELAYED-ADDRESS"},
    {requested_address_family, "REQUESTED-ADDRESS-FAMILY"},
    {even_port, "EVEN-PORT"},
    {requested_transport, "REQUESTED-TRANSPORT"},
    {dont_fragment, "DONT-FRAGMENT"},
    {reservation_token, "RESERVATION-TOKEN"},
}};

constexpr std::array<std::uint16_t, kNames.size()> kTypes = [] {
  std::array<std::uint16_t, kNames.size()> types{};
  for (std::size_t i = 0; i < kNames.size(); ++i) types[i] = kNames[i].first;
  return types;
}();

}  // namespace

std::span<const std::uint16_t> known_types() { return kTypes; }

bool is_known(std::uint16_t type) { return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end(); }

std::string_view name(std::uint16_t type) {
  for (const auto& [known, text] : kNames) {
    if (known == type) return text;
  }
  return "unknown";
}

}  // namespace herald::stun::attribute
