// Where herald-bench connects: an http://HOST:PORT URL restricted to loopback addresses, the Host header
// to send, and path templates with {channel} expanded.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

namespace bench {

struct Target {
  sockaddr_storage address{};
  socklen_t address_length = 0;
  std::string host_header;  // "HOST:PORT"
};

// Parses "http://HOST:PORT[/]"; HOST must be 127.0.0.0/8, localhost or [::1]. Error text in `error`.
std::optional<Target> parse_target(std::string_view url, std::string& error);

// Replaces every "{channel}" in `path_template`.
std::string expand_channel(std::string_view path_template, std::string_view channel);

// Opens a non-blocking (or blocking) TCP socket with TCP_NODELAY and starts connecting. -1 on error.
int open_connection(const Target& target, bool non_blocking);

}  // namespace bench
