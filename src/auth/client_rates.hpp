// The per-address limits as clients meet them (limits.*_per_ip): which budget an action draws on, and
// the error a refusal becomes (429 with retry_after; docs/protocol.md, Errors). One ClientRates belongs to
// one client address and is used on its worker's thread.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <optional>

#include "protocol/http/api_error.hpp"
#include "runtime/worker.hpp"

namespace herald {

// 429 too_many_connections or rate_limited, naming the setting that refused it.
ApiError limit_error(const Config& config, const LimitRefusal& refusal);

class ClientRates {
 public:
  ClientRates() = default;  // no limits
  ClientRates(Worker& worker, const boost::asio::ip::address& client)
      : worker_(&worker), key_(worker.state().client_limits.key_of(client)) {}

  // A command (a WebSocket op; an HTTP history, long poll or SSE request) or a publish without an API
  // key: nullopt when the client's budget allows it, else the error to answer with.
  std::optional<ApiError> command() { return take(ClientLimit::command_rate); }
  std::optional<ApiError> publish() { return take(ClientLimit::publish_rate); }

 private:
  std::optional<ApiError> take(ClientLimit bucket);

  Worker* worker_ = nullptr;
  ClientKey key_{};
};

}  // namespace herald
