// Relay sockets (see relay_socket.hpp).
#include "turn/relay_socket.hpp"

namespace herald::turn {
namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// Datagrams read per readiness before other sockets get their turn.
constexpr int kDrainLimit = 64;
// The receive buffer asked for (the kernel may cap it, net.core.rmem_max): room for a peer's burst while the
// thread serves other sockets. Memory is taken only as datagrams wait.
constexpr int kReceiveBufferBytes = 1 << 20;

}  // namespace

void drain_datagrams(
    udp::socket& socket, std::vector<char>& scratch, int limit,
    const std::function<void(const stun::TransportAddress&, std::string_view)>& on_datagram) {
  for (int read = 0; read < limit && socket.is_open(); ++read) {
    udp::endpoint from;
    boost::system::error_code error;
    std::size_t size = socket.receive_from(asio::buffer(scratch), from, 0, error);
    if (error == asio::error::would_block || error == asio::error::try_again) return;
    if (error) continue;  // e.g. an ICMP "port unreachable" of an earlier send: nothing to read there
    on_datagram({from.address(), from.port()}, std::string_view(scratch.data(), size));
  }
}

RelaySocket::RelaySocket(asio::io_context& context, const udp::endpoint& local, std::vector<char>& scratch,
                         OnDatagram on_datagram)
    : socket_(context, local.protocol()), scratch_(scratch), on_datagram_(std::move(on_datagram)) {
  socket_.bind(local);
  socket_.non_blocking(true);
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::receive_buffer_size(kReceiveBufferBytes), ignored);
}

void RelaySocket::start() { wait(); }

void RelaySocket::wait() {
  socket_.async_wait(udp::socket::wait_read, [self = shared_from_this()](boost::system::error_code error) {
    if (error || !self->socket_.is_open()) return;
    self->drain();
    self->wait();
  });
}

void RelaySocket::drain() { drain_datagrams(socket_, scratch_, kDrainLimit, on_datagram_); }

void RelaySocket::send(const stun::TransportAddress& peer, std::string_view data) {
  boost::system::error_code error;
  socket_.send_to(asio::buffer(data.data(), data.size()), udp::endpoint(peer.address, peer.port), 0, error);
}

void RelaySocket::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace herald::turn
