// Accepts client connections for one worker. Every worker has its own listening socket on the same
// port (SO_REUSEPORT), so the kernel spreads connections over the workers without a shared accept lock.
// A TLS listener gives each connection the TLS context current when it is accepted.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <chrono>

#include "auth/access.hpp"
#include "runtime/tls_context.hpp"
#include "runtime/worker.hpp"

namespace herald {

class Listener {
 public:
  // Binds now (throws std::system_error with the reason when it cannot). `tls` (may be null: plain
  // HTTP) must outlive the listener.
  Listener(Worker& worker, const Access& access, const boost::asio::ip::tcp::endpoint& endpoint,
           const TlsContextHolder* tls = nullptr);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void start();
  // On the worker's thread: stop accepting.
  void stop();

 private:
  void accept_next();
  void refuse(boost::asio::ip::tcp::socket socket);

  Worker& worker_;
  const Access& access_;
  const TlsContextHolder* tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::chrono::steady_clock::time_point last_refusal_log_{};
};

}  // namespace herald
