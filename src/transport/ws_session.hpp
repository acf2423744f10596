// A WebSocket connection after the handshake: reads client messages (through ws::MessageReader), runs the
// herald.v1 commands (or echoes, on the echo endpoint), and writes pre-encoded message frames shared
// by all subscribers, coalesced into one write per batch.
#pragma once
#include <optional>
#include <string>

#include "auth/access.hpp"
#include "auth/client_rates.hpp"
#include "protocol/ws/deflate.hpp"
#include "runtime/connection_slot.hpp"
#include "runtime/worker.hpp"

namespace herald::ws {

enum class Mode { herald, echo };

struct SessionOptions {
  Mode mode = Mode::herald;
  bool deflate = false;
  int deflate_window_bits = kMaxWindowBits;  // with deflate: the window message pushes are compressed with
  std::string handshake_response;            // written first
  std::string received;                      // bytes read after the handshake request, not yet processed
  const Access* access = nullptr;            // who may do what (required)
  Identity identity;                         // the client's, from the handshake request
  ClientRates rates;                         // its address's command and publish budgets
  std::optional<ApiError> refusal;           // an invalid token: the session closes at once with 4001
};

template <typename Stream>
void start_session(Stream stream, Worker& worker, ConnectionSlot slot, SessionOptions options);

}  // namespace herald::ws
