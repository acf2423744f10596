// "HOST:PORT" as written in server.listen: 127.0.0.1:8080, [::1]:8080, 0.0.0.0:80, localhost:8080.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace herald {

std::optional<boost::asio::ip::tcp::endpoint> parse_listen_address(std::string_view text);
std::string format_listen_address(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace herald
