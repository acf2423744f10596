// Percentiles and result printing (see report.hpp).
#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bench {
namespace {

double percentile_ms(std::vector<std::int64_t>& v, double q) {
  auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1;
  k = std::min(k, v.size() - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1e6;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

double mib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

// Long polling: how many messages an answer carried on average (0 without answers).
double messages_per_answer(const Result& r) {
  return r.poll_answers == 0 ? 0.0
                             : static_cast<double>(r.poll_messages) / static_cast<double>(r.poll_answers);
}

}  // namespace

Latency latency_percentiles(std::vector<std::int64_t>& samples_ns) {
  Latency l;
  l.samples = samples_ns.size();
  if (samples_ns.empty()) return l;
  l.max_ms = static_cast<double>(*std::max_element(samples_ns.begin(), samples_ns.end())) / 1e6;
  l.p99_ms = percentile_ms(samples_ns, 0.99);
  l.p90_ms = percentile_ms(samples_ns, 0.90);
  l.p50_ms = percentile_ms(samples_ns, 0.50);
  return l;
}

void print_text(const Options& o, const Result& r) {
  fmt::print("herald-bench {} over {}: {} subscribers, {} channels", r.mode, transport_name(o.transport),
             o.subscribers, o.channels);
  if (o.urls.size() > 1) fmt::print(", {} nodes", o.urls.size());
  if (r.mode == "idle") {
    fmt::print("\n  subscribed        {} ok, {} failed in {:.2f} s\n", r.ready, r.failed, r.connect_seconds);
    fmt::print("  server RSS        {:.1f} MiB before, {:.1f} MiB after: {:.0f} bytes per connection\n",
               mib(r.rss_before), mib(r.rss_after), r.rss_per_connection);
  } else {
    fmt::print(", {} messages of {} B, {} publishers, rate {}\n", o.messages, o.size, o.publishers,
               o.rate > 0 ? fmt::format("{}/s", o.rate) : std::string("max"));
    fmt::print("  subscribed        {} ok, {} failed in {:.2f} s; {} disconnects, {} reconnects\n", r.ready,
               r.failed, r.connect_seconds, r.disconnects, r.reconnects);
    fmt::print("  published         {} ok, {} errors, {:.0f}/s achieved, {:.1f} ms max behind schedule\n",
               r.published, r.publish_errors, r.publish_rate, r.publish_lag_max_ms);
    fmt::print("  deliveries        {} of {} expected{} in {:.3f} s: {:.0f}/s\n", r.counts.received,
               r.counts.expected, r.complete ? "" : " (INCOMPLETE)", r.duration_seconds,
               r.deliveries_per_second);
    fmt::print("  latency ms        p50 {:.2f}  p90 {:.2f}  p99 {:.2f}  max {:.2f}  ({} samples)\n",
               r.latency.p50_ms, r.latency.p90_ms, r.latency.p99_ms, r.latency.max_ms, r.latency.samples);
    fmt::print("  checks            lost {}  duplicated {}  out_of_order {}  unexpected {}\n",
               r.counts.lost(), r.counts.duplicated, r.counts.out_of_order, r.counts.unexpected);
    if (o.transport == Transport::longpoll)
      fmt::print("  long-poll answers {} with messages, {:.2f} messages per answer\n", r.poll_answers,
                 messages_per_answer(r));
    fmt::print("  server CPU        {:.2f} s, {:.3f} us per delivery (herald-bench used {:.2f} s)\n",
               r.server_cpu_seconds, r.cpu_us_per_delivery, r.client_cpu_seconds);
    if (!o.broker_pids.empty())
      fmt::print("  of which broker   {:.2f} s, {:.3f} us per delivery\n", r.broker_cpu_seconds,
                 r.broker_cpu_us_per_delivery);
    fmt::print("  server RSS        {:.1f} MiB before, {:.1f} MiB after\n", mib(r.rss_before),
               mib(r.rss_after));
  }
  if (!r.proc_ok) fmt::print("  warning: some --pid processes could not be read\n");
  if (!r.first_error.empty()) fmt::print("  first error       {}\n", r.first_error);
}

void print_json(const Options& o, const Result& r) {
  fmt::print(
      "{{\"mode\":\"{}\",\"transport\":\"{}\",\"subscribers\":{},\"channels\":{},\"messages\":{},\"size\":{},"
      "\"publishers\":{},\"rate\":{},\"ready\":{},\"failed\":{},\"disconnects\":{},\"reconnects\":{},"
      "\"connect_seconds\":{:.3f},",
      r.mode, transport_name(o.transport), o.subscribers, o.channels, o.messages, o.size, o.publishers,
      o.rate, r.ready, r.failed, r.disconnects, r.reconnects, r.connect_seconds);
  fmt::print(
      "\"published\":{},\"publish_errors\":{},\"publish_rate\":{:.1f},\"publish_lag_max_ms\":{:.3f},"
      "\"expected\":{},\"deliveries\":{},\"complete\":{},\"duration_seconds\":{:.6f},\"deliveries_per_"
      "second\":{:.1f},",
      r.published, r.publish_errors, r.publish_rate, r.publish_lag_max_ms, r.counts.expected,
      r.counts.received, r.complete, r.duration_seconds, r.deliveries_per_second);
  fmt::print(
      "\"latency_ms\":{{\"p50\":{:.3f},\"p90\":{:.3f},\"p99\":{:.3f},\"max\":{:.3f},\"samples\":{}}},"
      "\"samples_dropped\":{},\"lost\":{},\"duplicated\":{},\"out_of_order\":{},\"unexpected\":{},",
      r.latency.p50_ms, r.latency.p90_ms, r.latency.p99_ms, r.latency.max_ms, r.latency.samples,
      r.samples_dropped, r.counts.lost(), r.counts.duplicated, r.counts.out_of_order, r.counts.unexpected);
  fmt::print(
      "\"server_cpu_seconds\":{:.3f},\"cpu_us_per_delivery\":{:.4f},\"client_cpu_seconds\":{:.3f},"
      "\"rss_before\":{},\"rss_after\":{},\"rss_per_connection\":{:.1f},\"proc_ok\":{},\"first_error\":{},",
      r.server_cpu_seconds, r.cpu_us_per_delivery, r.client_cpu_seconds, r.rss_before, r.rss_after,
      r.rss_per_connection, r.proc_ok, json_string(r.first_error));
  // Added later: the fields above keep their names and meaning (with a broker, they include it).
  fmt::print(
      "\"urls\":{},\"broker_pids\":{},\"broker_cpu_seconds\":{:.3f},\"broker_cpu_us_per_delivery\":{:.4f},"
      "\"broker_rss_before\":{},\"broker_rss_after\":{},\"threads\":{},\"read_every_ms\":{},"
      "\"poll_answers\":{},\"messages_per_answer\":{:.3f}}}\n",
      o.urls.size(), o.broker_pids.size(), r.broker_cpu_seconds, r.broker_cpu_us_per_delivery,
      r.broker_rss_before, r.broker_rss_after, o.threads, o.read_every_ms, r.poll_answers,
      messages_per_answer(r));
}

}  // namespace bench
