// Listener (see listener.hpp).
#include "server/listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "runtime/connection_slot.hpp"
#include "runtime/socket_of.hpp"
#include "transport/http_session.hpp"

namespace herald {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::string_view kTooManyConnections =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 91\r\n"
    "Connection: close\r\n"
    "\r\n"
    R"({"error":{"code":"too_many_connections","message":"the server is at its connection limit"}})";

}  // namespace

Listener::Listener(Worker& worker, const Access& access, const tcp::endpoint& endpoint,
                   const TlsContextHolder* tls)
    : worker_(worker), access_(access), tls_(tls), acceptor_(worker.context()) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  int on = 1;
  if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0)
    throw std::system_error(errno, std::generic_category(), "SO_REUSEPORT");
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::start() { accept_next(); }

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void Listener::accept_next() {
  acceptor_.async_accept(worker_.context(), [this](boost::system::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!error) {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      ServerState& state = worker_.state();
      if (state.shutting_down ||
          state.open_connections.load(std::memory_order_relaxed) >= state.config.max_connections)
        refuse(std::move(socket));
      else if (tls_ != nullptr)
        start_http_session(TlsStream(boost::beast::tcp_stream(std::move(socket)), *tls_->current()), worker_,
                           ConnectionSlot(state), access_);
      else
        start_http_session(boost::beast::tcp_stream(std::move(socket)), worker_, ConnectionSlot(state),
                           access_);
    } else {
      spdlog::warn("accept failed: {}", error.message());
    }
    accept_next();
  });
}

// A plain listener answers 503; a TLS client could not read that before a handshake, so it is closed.
void Listener::refuse(tcp::socket socket) {
  auto now = std::chrono::steady_clock::now();
  if (!worker_.state().shutting_down && now - last_refusal_log_ > std::chrono::seconds(10)) {
    last_refusal_log_ = now;
    spdlog::warn("connection limit reached ({}): refusing new connections with 503",
                 worker_.state().config.max_connections);
  }
  if (tls_ != nullptr) {
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  auto shared = std::make_shared<tcp::socket>(std::move(socket));
  asio::async_write(*shared, asio::buffer(kTooManyConnections),
                    [shared](boost::system::error_code, std::size_t) {
                      boost::system::error_code ignored;
                      shared->shutdown(tcp::socket::shutdown_send, ignored);
                      shared->close(ignored);
                    });
}

}  // namespace herald
