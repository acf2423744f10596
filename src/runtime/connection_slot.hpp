// One place in the server's connection limit, and in the client address's (limits.connections_per_ip),
// held by whatever owns a client's socket (an HTTP session, then an SSE stream or WebSocket session it
// hands the socket to) and given back when that owner is gone.
#pragma once
#include <utility>

#include "runtime/worker.hpp"

namespace herald {

class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(ServerState& state) : state_(&state) {
    state_->open_connections.fetch_add(1, std::memory_order_relaxed);
  }
  ConnectionSlot(ConnectionSlot&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)), client_(std::move(other.client_)) {}
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept {
    std::swap(state_, other.state_);
    std::swap(client_, other.client_);
    return *this;
  }
  ~ConnectionSlot() {
    if (state_ != nullptr) state_->open_connections.fetch_sub(1, std::memory_order_relaxed);
  }

  // Holds `ticket` (the place of the client this connection now serves) instead of the one held so far.
  void hold_client(ClientTicket ticket) { client_ = std::move(ticket); }
  const ClientTicket& client() const { return client_; }

 private:
  ServerState* state_ = nullptr;
  ClientTicket client_;
};

}  // namespace herald
