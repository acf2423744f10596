// herald's embedded STUN/TURN server: a UDP socket and a TCP acceptor on turn.listen, the relay sockets of
// the allocations, and the request handler, all on one thread with its own io_context, apart from the
// delivery workers (docs/architecture.md, "Threads"). The server starts it after the workers and stops it
// before them.
#pragma once
#include <memory>
#include <string>

#include "runtime/config.hpp"

namespace herald::turn {

class TurnServer {
 public:
  // Binds UDP and TCP on turn.listen. Throws boost::system::system_error when either is taken, and
  // std::invalid_argument for settings the configuration check should have refused.
  explicit TurnServer(const Config& config);
  ~TurnServer();

  void start();
  // Closes every socket and joins the thread.
  void stop();

  // The Prometheus text of the TURN metrics (any thread).
  std::string render_metrics() const;
  // "udp+tcp 127.0.0.1:3478, relays on 127.0.0.1:49160-49200", for the start-up log line.
  std::string description() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::turn
