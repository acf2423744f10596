// The fixed-format TURN attributes (RFC 8656 section 18): LIFETIME, REQUESTED-TRANSPORT, DATA,
// CHANNEL-NUMBER, DONT-FRAGMENT, REQUESTED-ADDRESS-FAMILY, EVEN-PORT and RESERVATION-TOKEN. Reserved
// (RFFU) bits are written as zero and ignored when read; a value of the wrong length reads as nullopt.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/stun/address_attributes.hpp"
#include "protocol/stun/message.hpp"

namespace herald::stun {

inline constexpr std::uint8_t kTransportUdp = 17;  // REQUESTED-TRANSPORT's protocol number for UDP
inline constexpr std::uint8_t kTransportTcp = 6;   // (RFC 6062)

using ReservationToken = std::array<std::uint8_t, 8>;

Attribute make_lifetime(std::chrono::seconds lifetime);  // clamped to 0 .. 2^32-1 seconds
std::optional<std::chrono::seconds> read_lifetime(std::string_view value);

Attribute make_requested_transport(std::uint8_t protocol);
std::optional<std::uint8_t> read_requested_transport(std::string_view value);

// DATA carries any bytes; reading it is taking the value as it is.
Attribute make_data(std::string_view bytes);

// Any 16-bit number is written and read; whether it is a valid channel (is_channel_number in
// channel_data.hpp) is the server's check, answered with 400.
Attribute make_channel_number(std::uint16_t channel);
std::optional<std::uint16_t> read_channel_number(std::string_view value);

Attribute make_dont_fragment();
// Whether a DONT-FRAGMENT value is well formed (empty).
bool read_dont_fragment(std::string_view value);

Attribute make_requested_address_family(AddressFamily family);
// nullopt also for a family byte other than 1 and 2 (a server answers 440 for those).
std::optional<AddressFamily> read_requested_address_family(std::string_view value);

// EVEN-PORT's R bit: also reserve the next port up.
Attribute make_even_port(bool reserve_next);
std::optional<bool> read_even_port(std::string_view value);

Attribute make_reservation_token(const ReservationToken& token);
std::optional<ReservationToken> read_reservation_token(std::string_view value);

}  // namespace herald::stun
