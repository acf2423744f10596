// A small blocking HTTP client for the command-line tools (`herald publish`, `herald subscribe`,
// `herald demo-backend`).
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace herald::cli {

struct ServerUrl {
  std::string host;
  std::string port;
};

// "http://HOST[:PORT]" (https is not supported by these tools yet); nullopt when not such a URL.
std::optional<ServerUrl> parse_server_url(std::string_view text);

// "http://HOST:PORT", the host in brackets when it is an IPv6 address.
std::string to_string(const ServerUrl& url);

// The server could not be reached, or the connection broke. what() is the whole message for the user,
// e.g. "cannot connect to http://127.0.0.1:8080: Connection refused".
class ConnectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpReply {
  unsigned status = 0;
  std::string body;
};

using Headers = std::map<std::string, std::string>;

// POSTs `body` and returns the whole reply. Throws ConnectionError when the server cannot be reached.
HttpReply post(const ServerUrl& url, const std::string& target, const std::string& body,
               const Headers& headers);

// GETs `target` and returns the whole reply. Throws ConnectionError when the server cannot be reached.
HttpReply get(const ServerUrl& url, const std::string& target, const Headers& headers);

// GETs `target` and hands the response body to `on_bytes` as it arrives, until the server ends it or
// `on_bytes` returns false.
// Returns the status; a non-200 reply's body is returned in `error_body`. Throws ConnectionError when
// the server cannot be reached or the connection breaks before the response headers.
unsigned stream_get(const ServerUrl& url, const std::string& target, const Headers& headers,
                    const std::function<bool(std::string_view)>& on_bytes, std::string& error_body);

}  // namespace herald::cli
