// What the live dashboard demo shows of herald's metrics: open connections by transport and, from two
// samples of GET /metrics, messages published and delivered per second. `herald demo-backend` publishes
// one summary a second to the channel `demo.metrics`.
#pragma once
#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <string_view>

namespace herald::cli {

// The channel the summaries go to.
inline constexpr std::string_view kDemoMetricsChannel = "demo.metrics";

// The counters and gauges of one GET /metrics answer that the summary uses.
struct MetricsSample {
  std::map<std::string, double> connections;  // transport → open connections
  std::map<std::string, double> delivered;    // transport → messages delivered so far
  double published = 0;
  double channels = 0;
};

// The sample read from the text of a GET /metrics answer (missing series count as 0).
MetricsSample metrics_sample(std::string_view prometheus_text);

// {"time":ms,"connections":{"http":…,"sse":…,"longpoll":…,"ws":…},"delivered_per_second":{"sse":…,
// "longpoll":…,"ws":…,"history":…,"total":…},"published_per_second":…,"channels":…}: the rates between
// `before` and `now`, taken `seconds` apart (> 0); a counter that went down (herald restarted) gives 0.
boost::json::object metrics_summary(const MetricsSample& before, const MetricsSample& now, double seconds,
                                    long long time_ms);

}  // namespace herald::cli
