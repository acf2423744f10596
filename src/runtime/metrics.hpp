// Counters and gauges for /metrics. Each worker thread writes only its own shard (relaxed atomics, no
// contention); the Prometheus text sums the shards when scraped.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "protocol/prometheus.hpp"
#include "runtime/client_limits.hpp"

namespace herald {

enum class Transport { http, sse, longpoll, ws, count };
enum class Delivery { sse, longpoll, history, ws, count };

class MetricsShard {
 public:
  void connection_opened(Transport t) { add(connections_[index(t)], 1); }
  void connection_closed(Transport t) { add(connections_[index(t)], -1); }
  void published(std::uint64_t n = 1) { add(published_, n); }
  void delivered(Delivery d, std::uint64_t n = 1) { add(delivered_[index(d)], n); }
  void gap() { add(gaps_, 1); }
  void slow_consumer() { add(slow_consumers_, 1); }
  // An SSE stream or WebSocket subscribe refused: its channel had [[namespace]] max_subscribers already.
  void channel_full() { add(channel_full_, 1); }
  void http_response(unsigned status);
  void publish_duration(double seconds) { publish_durations_.observe(seconds); }
  void client_limited(ClientLimit limit) { add(client_limited_[index(limit)], 1); }
  // A WebSocket signal published to its peer's inbox.
  void signal_relayed() { add(signals_relayed_, 1); }
  // A long-poll answer held to gather more messages, on a worker busy with polls.
  void longpoll_gathered() { add(longpoll_gathered_, 1); }

 private:
  friend std::string render_metrics(const std::vector<const MetricsShard*>&, const Engine&, std::uint64_t);
  template <typename Enum>
  static std::size_t index(Enum e) {
    return static_cast<std::size_t>(e);
  }
  template <typename T, typename N>
  static void add(std::atomic<T>& counter, N n) {
    counter.store(counter.load(std::memory_order_relaxed) + static_cast<T>(n), std::memory_order_relaxed);
  }

  std::array<std::atomic<std::int64_t>, static_cast<std::size_t>(Transport::count)> connections_{};
  std::atomic<std::uint64_t> published_{0};
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Delivery::count)> delivered_{};
  std::atomic<std::uint64_t> gaps_{0};
  std::atomic<std::uint64_t> slow_consumers_{0};
  std::atomic<std::uint64_t> channel_full_{0};
  std::atomic<std::uint64_t> signals_relayed_{0};
  std::atomic<std::uint64_t> longpoll_gathered_{0};
  std::array<std::atomic<std::uint64_t>, 3> http_responses_{};  // 2xx (and 1xx/3xx), 4xx, 5xx
  prometheus::Histogram publish_durations_;
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(ClientLimit::count)> client_limited_{};
};

// Prometheus text exposition of all shards, the engine's figures and the messages the feeds repaired.
std::string render_metrics(const std::vector<const MetricsShard*>& shards, const Engine& engine,
                           std::uint64_t repaired);

}  // namespace herald
