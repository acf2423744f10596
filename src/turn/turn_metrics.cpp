// TURN metrics (see turn_metrics.hpp).
#include "turn/turn_metrics.hpp"

#include <fmt/format.h>

#include "protocol/prometheus.hpp"

namespace herald::turn {
namespace {

std::uint64_t load(const std::atomic<std::uint64_t>& counter) {
  return counter.load(std::memory_order_relaxed);
}

void single(std::string& out, const char* name, const char* type, const char* help,
            const std::atomic<std::uint64_t>& value) {
  prometheus::header(out, name, type, help);
  out += fmt::format("{} {}\n", name, load(value));
}

}  // namespace

void TurnMetrics::relayed(RelayDirection direction, std::size_t bytes) {
  auto index = static_cast<std::size_t>(direction);
  bump(relayed_bytes_[index], bytes);
  bump(relayed_packets_[index]);
}

std::string TurnMetrics::render() const {
  std::string out;
  single(out, "herald_turn_allocations", "gauge", "TURN allocations open now.", allocations_);
  single(out, "herald_turn_allocations_created_total", "counter", "TURN allocations made.",
         allocations_created_);
  const char* directions[] = {"to_peer", "to_client"};
  prometheus::header(out, "herald_turn_relayed_bytes_total", "counter",
                     "Application bytes relayed, by direction (to_peer: from clients to peers).");
  for (std::size_t d = 0; d < 2; ++d)
    out += fmt::format("herald_turn_relayed_bytes_total{{direction=\"{}\"}} {}\n", directions[d],
                       load(relayed_bytes_[d]));
  prometheus::header(out, "herald_turn_relayed_packets_total", "counter", "Packets relayed, by direction.");
  for (std::size_t d = 0; d < 2; ++d)
    out += fmt::format("herald_turn_relayed_packets_total{{direction=\"{}\"}} {}\n", directions[d],
                       load(relayed_packets_[d]));
  single(out, "herald_stun_binding_requests_total", "counter", "STUN Binding requests answered.", bindings_);
  single(out, "herald_turn_auth_failures_total", "counter",
         "TURN requests refused for their credentials (unknown, expired or wrong).", auth_failures_);
  single(out, "herald_turn_refused_peers_total", "counter",
         "Permissions, channel bindings and Send indications refused by the peer policy (turn.allow_peers).",
         refused_peers_);
  single(out, "herald_turn_bandwidth_drops_total", "counter",
         "Packets dropped over an allocation's bandwidth bound (turn.bandwidth_per_allocation).",
         bandwidth_drops_);
  single(out, "herald_turn_quota_refusals_total", "counter",
         "Allocations refused by turn.max_allocations or turn.max_allocations_per_user.", quota_refusals_);
  return out;
}

}  // namespace herald::turn
