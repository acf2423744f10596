// One place in the server's connection limit, held by whatever owns a client's socket (an HTTP session,
// then an SSE stream it hands the socket to) and given back when that owner is gone.
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
  ConnectionSlot(ConnectionSlot&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~ConnectionSlot() {
    if (state_ != nullptr) state_->open_connections.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  ServerState* state_ = nullptr;
};

}  // namespace herald
