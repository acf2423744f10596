// Address ranges (see address_range.hpp).
#include "protocol/net/address_range.hpp"

#include <array>
#include <charconv>

namespace herald {
namespace ip = boost::asio::ip;
namespace {

using Bytes = std::array<unsigned char, 16>;

// The address's bytes (4 for IPv4, 16 for IPv6) in the first bytes of a 16-byte array, and their count.
std::pair<Bytes, unsigned> bytes_of(const ip::address& address) {
  Bytes bytes{};
  if (address.is_v4()) {
    auto v4 = address.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), bytes.begin());
    return {bytes, 4};
  }
  auto v6 = address.to_v6().to_bytes();
  std::copy(v6.begin(), v6.end(), bytes.begin());
  return {bytes, 16};
}

ip::address address_of(const Bytes& bytes, unsigned size) {
  if (size == 4) return ip::address_v4(ip::address_v4::bytes_type{bytes[0], bytes[1], bytes[2], bytes[3]});
  ip::address_v6::bytes_type v6;
  std::copy(bytes.begin(), bytes.end(), v6.begin());
  return ip::address_v6(v6);
}

// Clears every bit past the first `prefix_length`.
Bytes masked(Bytes bytes, unsigned size, unsigned prefix_length) {
  for (unsigned i = 0; i < size; ++i) {
    unsigned kept = prefix_length > i * 8 ? std::min(8u, prefix_length - i * 8) : 0;
    bytes[i] &= static_cast<unsigned char>(kept == 0 ? 0 : 0xFF << (8 - kept));
  }
  return bytes;
}

}  // namespace

ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

AddressRange::AddressRange(ip::address network, unsigned prefix_length)
    : network_(std::move(network)), prefix_length_(prefix_length) {}

std::optional<AddressRange> AddressRange::parse(std::string_view text) {
  auto slash = text.find('/');
  boost::system::error_code error;
  auto address = ip::make_address(text.substr(0, slash), error);
  if (error) return std::nullopt;
  bool mapped = address.is_v6() && address.to_v6().is_v4_mapped();
  address = unmapped(address);
  unsigned bits = address.is_v4() ? 32 : 128;
  unsigned prefix_length = bits;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [end, parse_error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix_length);
    if (digits.empty() || parse_error != std::errc() || end != digits.data() + digits.size())
      return std::nullopt;
    if (mapped) {  // ::ffff:10.0.0.0/104 is 10.0.0.0/8
      if (prefix_length < 96 || prefix_length > 128) return std::nullopt;
      prefix_length -= 96;
    }
    if (prefix_length > bits) return std::nullopt;
  }
  auto [bytes, size] = bytes_of(address);
  return AddressRange(address_of(masked(bytes, size, prefix_length), size), prefix_length);
}

bool AddressRange::contains(const ip::address& candidate) const {
  auto address = unmapped(candidate);
  if (address.is_v4() != network_.is_v4()) return false;
  auto [bytes, size] = bytes_of(address);
  return address_of(masked(bytes, size, prefix_length_), size) == network_;
}

std::string AddressRange::to_string() const {
  return network_.to_string() + "/" + std::to_string(prefix_length_);
}

bool contains_any(const std::vector<AddressRange>& ranges, const ip::address& address) {
  for (const auto& range : ranges)
    if (range.contains(address)) return true;
  return false;
}

}  // namespace herald
