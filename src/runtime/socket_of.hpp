// The TCP socket under a stream, whatever wraps it (a plain socket, Beast's tcp_stream, a TLS stream over
// either): for waiting on readability, half-closing and closing without caring about the layers above.
// Also what a streaming transport keeps of an HTTP connection's stream, and whether it is TLS.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <type_traits>

namespace herald {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

inline boost::asio::ip::tcp::socket& socket_of(boost::asio::ip::tcp::socket& socket) { return socket; }
inline boost::asio::ip::tcp::socket& socket_of(boost::beast::tcp_stream& stream) { return stream.socket(); }
inline boost::asio::ip::tcp::socket& socket_of(TlsStream& stream) { return stream.next_layer().socket(); }

// TLS streams cannot be read by waiting for the socket and reading what the kernel holds: OpenSSL may
// hold decrypted bytes already, and reading may need to write. They are read with asynchronous reads.
template <typename Stream>
inline constexpr bool is_tls_stream = std::is_same_v<Stream, TlsStream>;

// What a streaming transport (SSE, WebSocket) keeps of an HTTP connection's stream: under Beast's
// tcp_stream only the bare socket, since its timers and buffers are not needed any more.
inline boost::asio::ip::tcp::socket take_for_streaming(boost::beast::tcp_stream& stream) {
  return stream.release_socket();
}
// A TLS stream keeps its session: the whole stream, with the HTTP session's time limit lifted.
inline TlsStream take_for_streaming(TlsStream& stream) {
  stream.next_layer().expires_never();
  return std::move(stream);
}

}  // namespace herald
