// Metrics (see metrics.hpp).
#include "runtime/metrics.hpp"

#include <fmt/format.h>

namespace herald {

void MetricsShard::http_response(unsigned status) {
  std::size_t slot = status >= 500 ? 2 : status >= 400 ? 1 : 0;
  add(http_responses_[slot], 1);
}

namespace {

template <typename Read>
auto sum(const std::vector<const MetricsShard*>& shards, Read read) {
  decltype(read(*shards.front())) total{};
  for (const auto* shard : shards) total += read(*shard);
  return total;
}

using prometheus::header;

}  // namespace

std::string render_metrics(const std::vector<const MetricsShard*>& shards, const Engine& engine,
                           std::uint64_t repaired) {
  std::string out;
  auto load = [](const auto& atomic) { return atomic.load(std::memory_order_relaxed); };

  header(out, "herald_connections", "gauge", "Open client connections by transport.");
  const char* transports[] = {"http", "sse", "longpoll", "ws"};
  for (std::size_t t = 0; t < 4; ++t)
    out += fmt::format("herald_connections{{transport=\"{}\"}} {}\n", transports[t],
                       sum(shards, [&](const MetricsShard& s) { return load(s.connections_[t]); }));

  header(out, "herald_messages_published_total", "counter", "Messages published on this node.");
  out += fmt::format("herald_messages_published_total {}\n",
                     sum(shards, [&](const MetricsShard& s) { return load(s.published_); }));

  header(out, "herald_messages_delivered_total", "counter", "Messages handed to clients, by transport.");
  const char* deliveries[] = {"sse", "longpoll", "history", "ws"};
  for (std::size_t d = 0; d < 4; ++d)
    out += fmt::format("herald_messages_delivered_total{{transport=\"{}\"}} {}\n", deliveries[d],
                       sum(shards, [&](const MetricsShard& s) { return load(s.delivered_[d]); }));

  header(out, "herald_gaps_total", "counter",
         "Gap signals sent: resumes that could not be served without loss.");
  out += fmt::format("herald_gaps_total {}\n",
                     sum(shards, [&](const MetricsShard& s) { return load(s.gaps_); }));

  header(out, "herald_slow_consumer_disconnects_total", "counter",
         "Streams closed because the client read slower than messages arrived.");
  out += fmt::format("herald_slow_consumer_disconnects_total {}\n",
                     sum(shards, [&](const MetricsShard& s) { return load(s.slow_consumers_); }));

  header(out, "herald_signals_relayed_total", "counter",
         "WebSocket signals (signaling op signal) passed on to a peer of the same room.");
  out += fmt::format("herald_signals_relayed_total {}\n",
                     sum(shards, [&](const MetricsShard& s) { return load(s.signals_relayed_); }));

  header(out, "herald_longpoll_gathered_total", "counter",
         "Long-poll answers held to gather more messages (server.cork_ms, on a worker busy with polls).");
  out += fmt::format("herald_longpoll_gathered_total {}\n",
                     sum(shards, [&](const MetricsShard& s) { return load(s.longpoll_gathered_); }));

  header(out, "herald_subscribe_refused_total", "counter",
         "SSE streams and WebSocket subscribes refused, by reason (channel_full: max_subscribers).");
  out += fmt::format("herald_subscribe_refused_total{{reason=\"channel_full\"}} {}\n",
                     sum(shards, [&](const MetricsShard& s) { return load(s.channel_full_); }));

  header(out, "herald_http_requests_total", "counter", "HTTP responses by status class.");
  const char* classes[] = {"2xx", "4xx", "5xx"};
  for (std::size_t c = 0; c < 3; ++c)
    out += fmt::format("herald_http_requests_total{{code=\"{}\"}} {}\n", classes[c],
                       sum(shards, [&](const MetricsShard& s) { return load(s.http_responses_[c]); }));

  header(out, "herald_client_limit_refusals_total", "counter",
         "Connections, publishes and commands refused by a per-address limit (limits.*_per_ip).");
  for (std::size_t l = 0; l < static_cast<std::size_t>(ClientLimit::count); ++l)
    out += fmt::format("herald_client_limit_refusals_total{{limit=\"{}\"}} {}\n",
                       limit_name(static_cast<ClientLimit>(l)),
                       sum(shards, [&](const MetricsShard& s) { return load(s.client_limited_[l]); }));

  std::vector<const prometheus::Histogram*> publish_parts;
  for (const auto* shard : shards) publish_parts.push_back(&shard->publish_durations_);
  prometheus::Histogram::write(out, "herald_publish_duration_seconds",
                               "Time from a publish request to its result.", publish_parts);

  header(out, "herald_channels", "gauge", "Channels held by the engine.");
  out += fmt::format("herald_channels {}\n", engine.channel_count());

  header(out, "herald_engine_up", "gauge", "1 while the engine can serve requests, else 0.");
  out += fmt::format("herald_engine_up {}\n", engine.ready() ? 1 : 0);

  header(out, "herald_messages_repaired_total", "counter",
         "Messages read back from history after the live flow lost them (a hole, a reconnect).");
  out += fmt::format("herald_messages_repaired_total {}\n", repaired);
  engine.write_metrics(out);
  return out;
}

}  // namespace herald
