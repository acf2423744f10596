// Redis endpoints (see redis_endpoint.hpp).
#include "engine/redis/redis_endpoint.hpp"

#include <boost/url/parse.hpp>
#include <charconv>

namespace herald::redis {
namespace {

bool is_port(std::string_view text) {
  unsigned port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc{} && end == text.data() + text.size() && port >= 1 && port <= 65535;
}

}  // namespace

std::string Endpoint::to_string() const {
  std::string text =
      "redis://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  if (db != 0) text += "/" + std::to_string(db);
  return text;
}

std::optional<Endpoint> parse_redis_url(std::string_view url, std::string& problem) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->scheme() != "redis") {
    problem = "expected redis://[user:password@]host:port[/db]";
    return std::nullopt;
  }
  Endpoint endpoint;
  if (!parsed->has_authority() || parsed->encoded_host().empty()) {
    problem = "the URL names no host";
    return std::nullopt;
  }
  endpoint.host = parsed->host_address();  // IPv6 without brackets
  if (parsed->has_port()) {
    if (!is_port(parsed->port())) {
      problem = "the port must be 1 to 65535";
      return std::nullopt;
    }
    endpoint.port = parsed->port();
  }
  if (parsed->has_userinfo()) {
    endpoint.user = parsed->user();
    endpoint.password = parsed->password();
    if (!parsed->has_password()) std::swap(endpoint.user, endpoint.password);  // redis://secret@host
  }
  std::string path = parsed->path();
  if (!path.empty() && path != "/") {
    std::string_view digits = std::string_view(path).substr(1);
    int db = -1;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), db);
    if (ec != std::errc{} || end != digits.data() + digits.size() || db < 0) {
      problem = "the path must be a database number, as in redis://host:6379/2";
      return std::nullopt;
    }
    endpoint.db = db;
  }
  if (parsed->has_query() || parsed->has_fragment()) {
    problem = "the URL must not have a query or a fragment";
    return std::nullopt;
  }
  return endpoint;
}

std::optional<Endpoint> parse_host_port(std::string_view text, const Endpoint& base) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || !is_port(text.substr(colon + 1))) return std::nullopt;
  Endpoint endpoint = base;
  std::string_view host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  endpoint.host = host;
  endpoint.port = text.substr(colon + 1);
  endpoint.db = 0;  // a cluster has one database
  return endpoint;
}

}  // namespace herald::redis
