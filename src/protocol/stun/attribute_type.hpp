// STUN and TURN attribute types (RFC 8489 section 18.3, RFC 8656 section 18). Types 0x0000-0x7FFF are
// comprehension-required: a server that does not understand one must refuse the request (420 with
// UNKNOWN-ATTRIBUTES); 0x8000-0xFFFF are comprehension-optional and may be ignored.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace herald::stun::attribute {

// STUN (RFC 8489)
inline constexpr std::uint16_t mapped_address = 0x0001;
inline constexpr std::uint16_t username = 0x0006;
inline constexpr std::uint16_t message_integrity = 0x0008;
inline constexpr std::uint16_t error_code = 0x0009;
inline constexpr std::uint16_t unknown_attributes = 0x000A;
inline constexpr std::uint16_t realm = 0x0014;
inline constexpr std::uint16_t nonce = 0x0015;
inline constexpr std::uint16_t message_integrity_sha256 = 0x001C;
inline constexpr std::uint16_t xor_mapped_address = 0x0020;
inline constexpr std::uint16_t software = 0x8022;
inline constexpr std::uint16_t fingerprint = 0x8028;

// TURN (RFC 8656)
inline constexpr std::uint16_t channel_number = 0x000C;
inline constexpr std::uint16_t lifetime = 0x000D;
inline constexpr std::uint16_t xor_peer_address = 0x0012;
inline constexpr std::uint16_t data = 0x0013;
inline constexpr std::uint16_t xor_relayed_address = 0x0016;
inline constexpr std::uint16_t requested_address_family = 0x0017;
inline constexpr std::uint16_t even_port = 0x0018;
inline constexpr std::uint16_t requested_transport = 0x0019;
inline constexpr std::uint16_t dont_fragment = 0x001A;
inline constexpr std::uint16_t reservation_token = 0x0022;

// Whether a receiver that does not understand `type` must reject the message.
constexpr bool is_comprehension_required(std::uint16_t type) { return type < 0x8000; }

// Every type above: the ones this codec reads and writes.
std::span<const std::uint16_t> known_types();

bool is_known(std::uint16_t type);

// "XOR-MAPPED-ADDRESS", ... or "unknown".
std::string_view name(std::uint16_t type);

}  // namespace herald::stun::attribute
