// The client behind a reverse proxy: X-Forwarded-For is believed only when the connection comes from a
// trusted proxy (http.trusted_proxies), and then only as far back as the chain runs through trusted
// proxies. Anyone can send the header, so an untrusted peer's copy is ignored.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <string_view>
#include <vector>

#include "protocol/net/address_range.hpp"

namespace herald {

// The client's address: `peer` unless it is in `trusted`; then, reading `forwarded_for` (the header's
// comma-separated list, every line joined) from the right, the first address not in `trusted`. When
// every listed address is trusted, the leftmost; when an entry is not an address, the last trusted hop
// before it (what it says cannot be believed).
boost::asio::ip::address client_address(const boost::asio::ip::address& peer, std::string_view forwarded_for,
                                        const std::vector<AddressRange>& trusted);

}  // namespace herald
