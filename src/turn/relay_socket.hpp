// The UDP socket of one allocation's relay transport address, bound on turn.relay_address at a port of
// turn.relay_ports. It waits for readability and then reads what has arrived into the server's scratch
// buffer, so that an idle relay holds no buffer of its own; sends are non-blocking and a datagram the
// kernel cannot take at once is dropped, as UDP may.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "protocol/stun/address_attributes.hpp"

namespace herald::turn {

class RelaySocket : public std::enable_shared_from_this<RelaySocket> {
 public:
  using OnDatagram = std::function<void(const stun::TransportAddress& peer, std::string_view data)>;

  // Binds on `local`; throws boost::system::system_error when it cannot (the port is in use).
  RelaySocket(boost::asio::io_context& context, const boost::asio::ip::udp::endpoint& local,
              std::vector<char>& scratch, OnDatagram on_datagram);

  void start();
  void send(const stun::TransportAddress& peer, std::string_view data);
  void close();

 private:
  void wait();
  void drain();

  boost::asio::ip::udp::socket socket_;
  std::vector<char>& scratch_;
  OnDatagram on_datagram_;
};

// Reads datagrams from a non-blocking UDP socket into `scratch` until none is left or `limit` were read,
// calling `on_datagram(from, bytes)` for each. Shared by the relays and the listening socket.
void drain_datagrams(boost::asio::ip::udp::socket& socket, std::vector<char>& scratch, int limit,
                     const std::function<void(const stun::TransportAddress&, std::string_view)>& on_datagram);

}  // namespace herald::turn
