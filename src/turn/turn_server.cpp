// The STUN/TURN server's sockets and thread (see turn_server.hpp).
#include "turn/turn_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <thread>

#include "protocol/stun/stream_framing.hpp"
#include "turn/relay_ports.hpp"
#include "turn/relay_socket.hpp"
#include "turn/request_handler.hpp"
#include "turn/tcp_client.hpp"

namespace herald::turn {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

// How often expired allocations, permissions and channel bindings are swept away.
constexpr auto kSweepInterval = std::chrono::seconds(1);
// Datagrams read from the listening socket per readiness.
constexpr int kDrainLimit = 256;
// Socket buffer sizes asked for (the kernel may cap them): room for bursts of relayed datagrams.
constexpr int kSocketBufferBytes = 4 << 20;
// How long a TCP connection may stay open without an allocation (time for Binding requests and the
// authentication exchange); after it, and once its allocation is gone, it is closed, so that idle
// connections cannot hold the connection slots.
constexpr double kTcpIdleWithoutAllocation = 30;

TurnClock clock_now() {
  auto steady = std::chrono::steady_clock::now().time_since_epoch();
  return {std::chrono::duration<double>(steady).count(), std::chrono::system_clock::now()};
}

std::string host_text(const asio::ip::address& address) {
  return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

}  // namespace

class TurnServer::Impl final : public RelayHooks {
 public:
  explicit Impl(const Config& config)
      : settings_(turn_settings(config)),
        udp_(context_),
        acceptor_(context_),
        sweep_timer_(context_),
        handler_(settings_, *this, metrics_, NonceIssuer(settings_.nonce_lifetime)),
        ports_(settings_.relay_ports),
        max_tcp_clients_(std::max<std::size_t>(16, 2 * settings_.max_allocations)) {
    udp::endpoint udp_endpoint(settings_.listen.address, settings_.listen.port);
    udp_.open(udp_endpoint.protocol());
    udp_.bind(udp_endpoint);
    udp_.non_blocking(true);
    boost::system::error_code ignored;
    udp_.set_option(asio::socket_base::receive_buffer_size(kSocketBufferBytes), ignored);
    udp_.set_option(asio::socket_base::send_buffer_size(kSocketBufferBytes), ignored);
    tcp::endpoint tcp_endpoint(settings_.listen.address, settings_.listen.port);
    acceptor_.open(tcp_endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(tcp_endpoint);
    acceptor_.listen();
  }

  void start() {
    wait_udp();
    accept();
    schedule_sweep();
    thread_ = std::thread([this] { context_.run(); });
  }

  void stop() {
    asio::post(context_, [this] { close_everything(); });
    if (thread_.joinable()) thread_.join();
  }

  std::string render_metrics() const { return metrics_.render(); }

  std::string description() const {
    std::string listen = host_text(settings_.listen.address) + ":" + std::to_string(settings_.listen.port);
    return "udp+tcp " + listen + ", relays on " + host_text(settings_.relay_address) + ":" +
           std::to_string(settings_.relay_ports.first) + "-" + std::to_string(settings_.relay_ports.last);
  }

  // RelayHooks
  std::optional<stun::TransportAddress> open_relay(const ClientKey& client, bool even_port) override {
    std::vector<std::uint16_t> unusable;  // in use by someone else: given back after this search
    std::optional<stun::TransportAddress> opened;
    while (auto port = ports_.take(even_port)) {
      try {
        auto relay = std::make_shared<RelaySocket>(
            context_, udp::endpoint(settings_.relay_address, *port), scratch_,
            [this, client](const stun::TransportAddress& peer, std::string_view data) {
              on_peer_datagram(client, peer, data);
            });
        relay->start();
        relays_[client] = Relay{std::move(relay), *port};
        opened = stun::TransportAddress{settings_.relay_address, *port};
        break;
      } catch (const boost::system::system_error&) {
        unusable.push_back(*port);
      }
    }
    for (auto port : unusable) ports_.give_back(port);
    if (!opened)
      spdlog::warn("turn: no free relay port in {}-{}", settings_.relay_ports.first,
                   settings_.relay_ports.last);
    return opened;
  }

  void close_relay(const ClientKey& client) override {
    auto found = relays_.find(client);
    if (found == relays_.end()) return;
    found->second.socket->close();
    ports_.give_back(found->second.port);
    relays_.erase(found);
  }

  void send_to_peer(const ClientKey& client, const stun::TransportAddress& peer,
                    std::string_view data) override {
    auto found = relays_.find(client);
    if (found != relays_.end()) found->second.socket->send(peer, data);
  }

 private:
  struct Relay {
    std::shared_ptr<RelaySocket> socket;
    std::uint16_t port = 0;
  };
  struct TcpEntry {
    std::weak_ptr<TcpClient> client;
    double since = 0;  // when it connected
  };

  void wait_udp() {
    udp_.async_wait(udp::socket::wait_read, [this](boost::system::error_code error) {
      if (error || stopping_) return;
      drain_datagrams(udp_, scratch_, kDrainLimit,
                      [this](const stun::TransportAddress& from, std::string_view bytes) {
                        ClientKey client{ClientProtocol::udp, from};
                        if (auto reply = handler_.on_client_packet(client, bytes, clock_now()))
                          deliver(client, *reply);
                      });
      wait_udp();
    });
  }

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
      if (stopping_) return;
      if (!error) add_tcp_client(std::move(socket));
      accept();
    });
  }

  void add_tcp_client(tcp::socket socket) {
    boost::system::error_code error;
    auto remote = socket.remote_endpoint(error);
    if (error || tcp_clients_.size() >= max_tcp_clients_) return;  // the socket closes as it goes
    ClientKey key{ClientProtocol::tcp, {remote.address(), remote.port()}};
    auto client = std::make_shared<TcpClient>(
        std::move(socket), key,
        [this](TcpClient& from, std::string_view frame) {
          if (auto reply = handler_.on_client_packet(from.key(), frame, clock_now()))
            from.send(std::move(*reply));
        },
        [this](const ClientKey& gone) {
          tcp_clients_.erase(gone);
          handler_.client_gone(gone);
        });
    tcp_clients_[key] = TcpEntry{client, clock_now().steady};
    client->start();
  }

  void on_peer_datagram(const ClientKey& client, const stun::TransportAddress& peer, std::string_view data) {
    if (auto bytes = handler_.on_peer_datagram(client, peer, data, clock_now())) deliver(client, *bytes);
  }

  // Sends to a client over the transport its allocation was made on.
  void deliver(const ClientKey& client, std::string_view bytes) {
    if (client.protocol == ClientProtocol::udp) {
      boost::system::error_code error;  // a full socket buffer drops the datagram, as UDP may
      udp_.send_to(asio::buffer(bytes.data(), bytes.size()),
                   udp::endpoint(client.address.address, client.address.port), 0, error);
      return;
    }
    auto found = tcp_clients_.find(client);
    if (found == tcp_clients_.end()) return;
    if (auto connection = found->second.client.lock()) connection->send(std::string(bytes));
  }

  void schedule_sweep() {
    sweep_timer_.expires_after(kSweepInterval);
    sweep_timer_.async_wait([this](boost::system::error_code error) {
      if (error || stopping_) return;
      TurnClock now = clock_now();
      handler_.sweep(now);
      close_idle_tcp_clients(now);
      schedule_sweep();
    });
  }

  void close_idle_tcp_clients(const TurnClock& now) {
    std::vector<std::shared_ptr<TcpClient>> idle;
    for (const auto& [key, entry] : tcp_clients_)
      if (now.steady - entry.since >= kTcpIdleWithoutAllocation &&
          handler_.allocations().find(key) == nullptr)
        if (auto client = entry.client.lock()) idle.push_back(std::move(client));
    for (auto& client : idle) client->close();  // erases its entry
  }

  void close_everything() {
    stopping_ = true;
    boost::system::error_code ignored;
    udp_.close(ignored);
    acceptor_.close(ignored);
    sweep_timer_.cancel();
    for (auto& [client, relay] : relays_) relay.socket->close();
    relays_.clear();
    auto clients = tcp_clients_;
    for (auto& [key, entry] : clients)
      if (auto client = entry.client.lock()) client->close();
  }

  asio::io_context context_{1};
  TurnSettings settings_;
  udp::socket udp_;
  tcp::acceptor acceptor_;
  asio::steady_timer sweep_timer_;
  TurnMetrics metrics_;
  RequestHandler handler_;
  RelayPorts ports_;
  std::size_t max_tcp_clients_;
  std::map<ClientKey, Relay> relays_;
  std::map<ClientKey, TcpEntry> tcp_clients_;
  std::vector<char> scratch_ = std::vector<char>(65536);
  bool stopping_ = false;
  std::thread thread_;
};

TurnServer::TurnServer(const Config& config) : impl_(std::make_unique<Impl>(config)) {}
TurnServer::~TurnServer() = default;
void TurnServer::start() { impl_->start(); }
void TurnServer::stop() { impl_->stop(); }
std::string TurnServer::render_metrics() const { return impl_->render_metrics(); }
std::string TurnServer::description() const { return impl_->description(); }

}  // namespace herald::turn
