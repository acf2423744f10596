// URL parsing, loopback check and socket opening (see target.hpp).
#include "target.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace bench {
namespace {

bool fill_ipv4(Target& t, const std::string& host, int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) return false;
  if ((ntohl(a.sin_addr.s_addr) >> 24) != 127) return false;  // loopback 127.0.0.0/8 only
  std::memcpy(&t.address, &a, sizeof a);
  t.address_length = sizeof a;
  return true;
}

void fill_ipv6_loopback(Target& t, int port) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(static_cast<uint16_t>(port));
  a.sin6_addr = in6addr_loopback;
  std::memcpy(&t.address, &a, sizeof a);
  t.address_length = sizeof a;
}

}  // namespace

std::optional<Target> parse_target(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) {
    error = "URL must start with http://";
    return std::nullopt;
  }
  std::string_view rest = url.substr(scheme.size());
  if (auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    error = "URL must have a port";
    return std::nullopt;
  }
  std::string host{rest.substr(0, colon)};
  int port = 0;
  auto port_text = rest.substr(colon + 1);
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port <= 0 || port > 65535) {
    error = "bad port";
    return std::nullopt;
  }
  Target t;
  t.host_header = std::string(rest);
  if (host == "[::1]") {
    fill_ipv6_loopback(t, port);
  } else if (!fill_ipv4(t, host == "localhost" ? "127.0.0.1" : host, port)) {
    error = "only loopback addresses (127.0.0.0/8, localhost, [::1]) are allowed";
    return std::nullopt;
  }
  return t;
}

std::string expand_channel(std::string_view path_template, std::string_view channel) {
  constexpr std::string_view key = "{channel}";
  std::string out;
  std::size_t pos = 0;
  while (true) {
    auto found = path_template.find(key, pos);
    out.append(path_template.substr(pos, found - pos));
    if (found == std::string_view::npos) break;
    out.append(channel);
    pos = found + key.size();
  }
  return out;
}

int open_connection(const Target& target, bool non_blocking) {
  int fd =
      socket(target.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | (non_blocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&target.address), target.address_length) != 0 &&
      !(non_blocking && errno == EINPROGRESS)) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

}  // namespace bench
