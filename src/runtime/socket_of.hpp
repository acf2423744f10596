// The TCP socket under a stream, whatever wraps it (a plain socket, Beast's tcp_stream, later TLS):
// for waiting on readability, half-closing and closing without caring about the layers above.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace herald {

inline boost::asio::ip::tcp::socket& socket_of(boost::asio::ip::tcp::socket& socket) { return socket; }
inline boost::asio::ip::tcp::socket& socket_of(boost::beast::tcp_stream& stream) { return stream.socket(); }

// What a streaming transport (SSE, WebSocket) keeps of an HTTP connection's stream: under Beast's
// tcp_stream only the bare socket, since its timers and buffers are not needed any more.
inline boost::asio::ip::tcp::socket take_for_streaming(boost::beast::tcp_stream& stream) {
  return stream.release_socket();
}

}  // namespace herald
