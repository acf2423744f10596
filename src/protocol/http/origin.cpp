// Origin parsing (see origin.hpp): the scheme by hand (an origin always has "://"), the authority with
// Boost.URL, then the rules an origin adds to a URL authority.
#include "protocol/http/origin.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>

namespace herald {
namespace {

constexpr std::string_view kSeparator = "://";
constexpr unsigned kMaxPort = 65535;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// RFC 3986 section 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
bool is_scheme(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text.front()))) return false;
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; });
}

// A DNS name or IPv4 address as browsers serialize it (IDNs in punycode): no percent-encoding or
// sub-delimiters, which a URL's reg-name would allow.
bool is_host_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
}

bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5 || text.front() == '0') return false;
  if (!std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) return false;
  return std::stoul(std::string(text)) <= kMaxPort;
}

}  // namespace

std::optional<Origin> parse_origin(std::string_view text) {
  auto separator = text.find(kSeparator);
  if (separator == std::string_view::npos || !is_scheme(text.substr(0, separator))) return std::nullopt;
  auto authority = boost::urls::parse_authority(text.substr(separator + kSeparator.size()));
  if (!authority || authority->has_userinfo()) return std::nullopt;
  Origin origin{lower(text.substr(0, separator)), lower(authority->encoded_host()), ""};
  switch (authority->host_type()) {
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
      break;
    case boost::urls::host_type::name:
      if (!is_host_name(origin.host)) return std::nullopt;
      break;
    default:  // IPvFuture, or no host at all
      return std::nullopt;
  }
  if (authority->has_port()) {
    if (!is_port(authority->port())) return std::nullopt;
    origin.port = authority->port();
  }
  return origin;
}

}  // namespace herald
