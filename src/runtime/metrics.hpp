// Counters and gauges for /metrics. Each worker thread writes only its own shard (relaxed atomics, no
// contention); the Prometheus text sums the shards when scraped.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace herald {

enum class Transport { http, sse, longpoll, ws, count };
enum class Delivery { sse, longpoll, history, ws, count };

class MetricsShard {
 public:
  static constexpr std::array<double, 10> kPublishBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                             0.005,  0.01,    0.025,  0.1,   1.0};

  void connection_opened(Transport t) { add(connections_[index(t)], 1); }
  void connection_closed(Transport t) { add(connections_[index(t)], -1); }
  void published(std::uint64_t n = 1) { add(published_, n); }
  void delivered(Delivery d, std::uint64_t n = 1) { add(delivered_[index(d)], n); }
  void gap() { add(gaps_, 1); }
  void slow_consumer() { add(slow_consumers_, 1); }
  void http_response(unsigned status);
  void publish_duration(double seconds);

 private:
  friend std::string render_metrics(const std::vector<const MetricsShard*>&, std::size_t);
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
  std::array<std::atomic<std::uint64_t>, 3> http_responses_{};  // 2xx (and 1xx/3xx), 4xx, 5xx
  std::array<std::atomic<std::uint64_t>, kPublishBuckets.size() + 1> publish_buckets_{};
  std::atomic<std::uint64_t> publish_count_{0};
  std::atomic<double> publish_sum_{0};
};

// Prometheus text exposition of all shards plus engine-wide gauges.
std::string render_metrics(const std::vector<const MetricsShard*>& shards, std::size_t channel_count);

}  // namespace herald
