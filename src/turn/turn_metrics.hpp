// The STUN/TURN server's counters for /metrics. The TURN thread writes them (relaxed atomics) and an HTTP
// worker renders them when /metrics is scraped.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

namespace herald::turn {

enum class RelayDirection { to_peer, to_client };

class TurnMetrics {
 public:
  void allocations(std::size_t count) { allocations_.store(count, std::memory_order_relaxed); }
  void allocation_created() { bump(allocations_created_); }
  void relayed(RelayDirection direction, std::size_t bytes);
  void binding() { bump(bindings_); }
  void auth_failure() { bump(auth_failures_); }
  void refused_peer() { bump(refused_peers_); }
  void bandwidth_drop() { bump(bandwidth_drops_); }
  void quota_refusal() { bump(quota_refusals_); }

  // Prometheus text of every counter, with headers.
  std::string render() const;

 private:
  static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::atomic<std::uint64_t> allocations_{0};
  std::atomic<std::uint64_t> allocations_created_{0};
  std::atomic<std::uint64_t> relayed_bytes_[2]{};
  std::atomic<std::uint64_t> relayed_packets_[2]{};
  std::atomic<std::uint64_t> bindings_{0};
  std::atomic<std::uint64_t> auth_failures_{0};
  std::atomic<std::uint64_t> refused_peers_{0};
  std::atomic<std::uint64_t> bandwidth_drops_{0};
  std::atomic<std::uint64_t> quota_refusals_{0};
};

}  // namespace herald::turn
