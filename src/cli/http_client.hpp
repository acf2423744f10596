// A small blocking HTTP client for the command-line tools (`herald publish`, `herald subscribe`).
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace herald::cli {

struct ServerUrl {
  std::string host;
  std::string port;
};

// "http://HOST[:PORT]" (https is not supported by these tools yet); nullopt when not such a URL.
std::optional<ServerUrl> parse_server_url(std::string_view text);

struct HttpReply {
  unsigned status = 0;
  std::string body;
};

using Headers = std::map<std::string, std::string>;

// POSTs `body` and returns the whole reply. Throws std::system_error when the server cannot be reached.
HttpReply post(const ServerUrl& url, const std::string& target, const std::string& body,
               const Headers& headers);

// GETs `target` and hands the response body to `on_bytes` as it arrives, until the server ends it or
// `on_bytes` returns false.
// Returns the status; a non-200 reply's body is returned in `error_body`.
unsigned stream_get(const ServerUrl& url, const std::string& target, const Headers& headers,
                    const std::function<bool(std::string_view)>& on_bytes, std::string& error_body);

}  // namespace herald::cli
