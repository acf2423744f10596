// Dashboard summary of herald's metrics (see metrics_summary.hpp).
#include "cli/metrics_summary.hpp"

#include <array>
#include <cmath>

#include "cli/prometheus_text.hpp"

namespace herald::cli {
namespace {

constexpr std::array<std::string_view, 4> kConnectionTransports = {"http", "sse", "longpoll", "ws"};
constexpr std::array<std::string_view, 4> kDeliveryTransports = {"sse", "longpoll", "ws", "history"};

double value_of(const std::map<std::string, double, std::less<>>& samples, const std::string& series) {
  auto found = samples.find(series);
  return found == samples.end() ? 0 : found->second;
}

std::string labelled(std::string_view name, std::string_view transport) {
  return std::string(name) + "{transport=\"" + std::string(transport) + "\"}";
}

// Per second, rounded to a tenth; 0 when the counter went down.
double rate(double before, double now, double seconds) {
  if (now < before) return 0;
  return std::round((now - before) / seconds * 10) / 10;
}

double at(const std::map<std::string, double>& values, std::string_view key) {
  auto found = values.find(std::string(key));
  return found == values.end() ? 0 : found->second;
}

// A whole number as a JSON integer (Boost.JSON writes every double with an exponent: 3E0).
boost::json::value number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) return static_cast<long long>(value);
  return value;
}

}  // namespace

MetricsSample metrics_sample(std::string_view prometheus_text) {
  auto samples = parse_prometheus_text(prometheus_text);
  MetricsSample sample;
  for (auto transport : kConnectionTransports)
    sample.connections[std::string(transport)] = value_of(samples, labelled("herald_connections", transport));
  for (auto transport : kDeliveryTransports)
    sample.delivered[std::string(transport)] =
        value_of(samples, labelled("herald_messages_delivered_total", transport));
  sample.published = value_of(samples, "herald_messages_published_total");
  sample.channels = value_of(samples, "herald_channels");
  return sample;
}

boost::json::object metrics_summary(const MetricsSample& before, const MetricsSample& now, double seconds,
                                    long long time_ms) {
  boost::json::object connections;
  for (auto transport : kConnectionTransports)
    connections[transport] = number(at(now.connections, transport));
  boost::json::object delivered;
  double total = 0;
  for (auto transport : kDeliveryTransports) {
    double per_second = rate(at(before.delivered, transport), at(now.delivered, transport), seconds);
    delivered[transport] = number(per_second);
    total += per_second;
  }
  delivered["total"] = number(std::round(total * 10) / 10);
  boost::json::object summary;
  summary["time"] = time_ms;
  summary["connections"] = std::move(connections);
  summary["delivered_per_second"] = std::move(delivered);
  summary["published_per_second"] = number(rate(before.published, now.published, seconds));
  summary["channels"] = number(now.channels);
  return summary;
}

}  // namespace herald::cli
