// The TURN attribute values: a 32-bit count, one byte and three zero bytes, a 16-bit number and two
// zero bytes, nothing, one flag byte, or eight opaque bytes.
#include "protocol/stun/turn_attributes.hpp"

#include <algorithm>
#include <string>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/byte_order.hpp"

namespace herald::stun {
namespace {

// One byte followed by three reserved zero bytes.
std::string byte_and_rffu(std::uint8_t byte) {
  return std::string{static_cast<char>(byte), '\0', '\0', '\0'};
}

constexpr std::uint8_t kReserveNextBit = 0x80;

}  // namespace

Attribute make_lifetime(std::chrono::seconds lifetime) {
  auto seconds = std::clamp<std::chrono::seconds::rep>(lifetime.count(), 0, 0xFFFFFFFF);
  std::string value;
  append_u32(value, static_cast<std::uint32_t>(seconds));
  return {attribute::lifetime, std::move(value)};
}

std::optional<std::chrono::seconds> read_lifetime(std::string_view value) {
  if (value.size() != 4) return std::nullopt;
  return std::chrono::seconds(read_u32(value.data()));
}

Attribute make_requested_transport(std::uint8_t protocol) {
  return {attribute::requested_transport, byte_and_rffu(protocol)};
}

std::optional<std::uint8_t> read_requested_transport(std::string_view value) {
  if (value.size() != 4) return std::nullopt;
  return static_cast<std::uint8_t>(value[0]);
}

Attribute make_data(std::string_view bytes) { return {attribute::data, std::string(bytes)}; }

Attribute make_channel_number(std::uint16_t channel) {
  std::string value;
  append_u16(value, channel);
  append_u16(value, 0);
  return {attribute::channel_number, std::move(value)};
}

std::optional<std::uint16_t> read_channel_number(std::string_view value) {
  if (value.size() != 4) return std::nullopt;
  return read_u16(value.data());
}

Attribute make_dont_fragment() { return {attribute::dont_fragment, {}}; }

bool read_dont_fragment(std::string_view value) { return value.empty(); }

Attribute make_requested_address_family(AddressFamily family) {
  return {attribute::requested_address_family, byte_and_rffu(static_cast<std::uint8_t>(family))};
}

std::optional<AddressFamily> read_requested_address_family(std::string_view value) {
  if (value.size() != 4) return std::nullopt;
  auto family = static_cast<AddressFamily>(value[0]);
  if (family != AddressFamily::ipv4 && family != AddressFamily::ipv6) return std::nullopt;
  return family;
}

Attribute make_even_port(bool reserve_next) {
  return {attribute::even_port, std::string(1, static_cast<char>(reserve_next ? kReserveNextBit : 0))};
}

std::optional<bool> read_even_port(std::string_view value) {
  if (value.size() != 1) return std::nullopt;
  return (static_cast<unsigned char>(value[0]) & kReserveNextBit) != 0;
}

Attribute make_reservation_token(const ReservationToken& token) {
  return {attribute::reservation_token, std::string(token.begin(), token.end())};
}

std::optional<ReservationToken> read_reservation_token(std::string_view value) {
  ReservationToken token{};
  if (value.size() != token.size()) return std::nullopt;
  std::copy(value.begin(), value.end(), token.begin());
  return token;
}

}  // namespace herald::stun
