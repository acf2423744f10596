// Where a Redis server is and how to log in: parsed from redis://[user:password@]host:port[/db] (or
// host:port, for cluster seed nodes).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace herald::redis {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::string port = "6379";
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECT, when not 0

  // redis://host:port/db, without the credentials (for logs).
  std::string to_string() const;
  bool operator==(const Endpoint&) const = default;
};

// nullopt, with `problem` set, when `url` is not a redis:// URL herald can use.
std::optional<Endpoint> parse_redis_url(std::string_view url, std::string& problem);

// "host:port" (a cluster node as CLUSTER SLOTS or the configuration names it), with the credentials
// of `base`.
std::optional<Endpoint> parse_host_port(std::string_view text, const Endpoint& base);

}  // namespace herald::redis
