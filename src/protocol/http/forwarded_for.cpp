// X-Forwarded-For (see forwarded_for.hpp).
#include "protocol/http/forwarded_for.hpp"

#include <optional>

namespace herald {
namespace ip = boost::asio::ip;
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// One entry: "192.0.2.1", "2001:db8::1", and the forms with a port some proxies write
// ("192.0.2.1:4711", "[2001:db8::1]:4711").
std::optional<ip::address> parse_entry(std::string_view entry) {
  entry = trimmed(entry);
  if (entry.starts_with('[')) {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    entry = entry.substr(1, close - 1);
  } else if (auto colon = entry.find(':'); colon != std::string_view::npos && entry.rfind(':') == colon) {
    entry = entry.substr(0, colon);  // IPv4 with a port: an IPv6 address has more than one colon
  }
  boost::system::error_code error;
  auto address = ip::make_address(entry, error);
  if (error) return std::nullopt;
  return unmapped(address);
}

}  // namespace

ip::address client_address(const ip::address& peer, std::string_view forwarded_for,
                           const std::vector<AddressRange>& trusted) {
  ip::address client = unmapped(peer);
  if (!contains_any(trusted, client)) return client;
  while (!trimmed(forwarded_for).empty()) {
    auto comma = forwarded_for.rfind(',');
    auto entry = comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    auto address = parse_entry(entry);
    if (!address) return client;
    client = *address;
    if (!contains_any(trusted, client)) return client;
  }
  return client;
}

}  // namespace herald
