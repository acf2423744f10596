// Address values, plain and XORed: the XOR mask is the magic cookie followed by the transaction id, of
// which IPv4 uses the first 4 bytes and IPv6 all 16; the port uses the cookie's first 2 bytes.
#include "protocol/stun/address_attributes.hpp"

#include <array>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/byte_order.hpp"

namespace herald::stun {
namespace {

constexpr std::size_t kIpv4Size = 4;
constexpr std::size_t kIpv6Size = 16;
constexpr std::size_t kAddressHeaderSize = 4;  // zero byte, family, port

using Mask = std::array<std::uint8_t, kIpv6Size>;

Mask xor_mask(const TransactionId& id) {
  Mask mask{};
  for (int i = 0; i < 4; ++i) mask[i] = static_cast<std::uint8_t>(kMagicCookie >> (24 - 8 * i));
  std::copy(id.begin(), id.end(), mask.begin() + 4);
  return mask;
}

const Mask kNoMask{};

std::string encode_value(const TransportAddress& address, std::uint16_t port_mask, const Mask& mask) {
  std::string value;
  value.push_back('\0');
  bool v4 = address.address.is_v4();
  value.push_back(static_cast<char>(v4 ? AddressFamily::ipv4 : AddressFamily::ipv6));
  append_u16(value, static_cast<std::uint16_t>(address.port ^ port_mask));
  if (v4) {
    auto bytes = address.address.to_v4().to_bytes();
    for (std::size_t i = 0; i < bytes.size(); ++i) value.push_back(static_cast<char>(bytes[i] ^ mask[i]));
  } else {
    auto bytes = address.address.to_v6().to_bytes();
    for (std::size_t i = 0; i < bytes.size(); ++i) value.push_back(static_cast<char>(bytes[i] ^ mask[i]));
  }
  return value;
}

template <std::size_t N>
std::array<unsigned char, N> unmasked(std::string_view raw, const Mask& mask) {
  std::array<unsigned char, N> bytes{};
  for (std::size_t i = 0; i < N; ++i) bytes[i] = static_cast<unsigned char>(raw[i]) ^ mask[i];
  return bytes;
}

std::optional<TransportAddress> decode_value(std::string_view value, std::uint16_t port_mask,
                                             const Mask& mask) {
  if (value.size() < kAddressHeaderSize) return std::nullopt;
  auto family = static_cast<AddressFamily>(value[1]);
  std::string_view raw = value.substr(kAddressHeaderSize);
  auto port = static_cast<std::uint16_t>(read_u16(value.data() + 2) ^ port_mask);
  if (family == AddressFamily::ipv4 && raw.size() == kIpv4Size) {
    return TransportAddress{boost::asio::ip::address_v4(unmasked<kIpv4Size>(raw, mask)), port};
  }
  if (family == AddressFamily::ipv6 && raw.size() == kIpv6Size) {
    return TransportAddress{boost::asio::ip::address_v6(unmasked<kIpv6Size>(raw, mask)), port};
  }
  return std::nullopt;
}

constexpr auto kPortMask = static_cast<std::uint16_t>(kMagicCookie >> 16);

}  // namespace

Attribute make_mapped_address(const TransportAddress& address) {
  return {attribute::mapped_address, encode_value(address, 0, kNoMask)};
}

Attribute make_xor_address(std::uint16_t type, const TransportAddress& address, const TransactionId& id) {
  return {type, encode_value(address, kPortMask, xor_mask(id))};
}

std::optional<TransportAddress> read_mapped_address(std::string_view value) {
  return decode_value(value, 0, kNoMask);
}

std::optional<TransportAddress> read_xor_address(std::string_view value, const TransactionId& id) {
  return decode_value(value, kPortMask, xor_mask(id));
}

}  // namespace herald::stun
