// IP address ranges written as CIDR ("10.0.0.0/8", "fd00::/8") or as one address ("127.0.0.1"), as the
// settings give them (http.trusted_proxies). IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as the
// IPv4 address they carry, both as a range and as an address checked against one.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

// `address` as IPv4 when it is an IPv4-mapped IPv6 address, else unchanged.
boost::asio::ip::address unmapped(const boost::asio::ip::address& address);

class AddressRange {
 public:
  // nullopt when `text` is not an address with an optional "/prefix" in range for its family.
  static std::optional<AddressRange> parse(std::string_view text);

  bool contains(const boost::asio::ip::address& address) const;
  std::string to_string() const;

 private:
  AddressRange(boost::asio::ip::address network, unsigned prefix_length);

  boost::asio::ip::address network_;  // with the bits past the prefix cleared
  unsigned prefix_length_;
};

bool contains_any(const std::vector<AddressRange>& ranges, const boost::asio::ip::address& address);

}  // namespace herald
