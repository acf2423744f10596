// The dashboard summary: herald's /metrics text read into a sample, and the rates between two samples.
#include "cli/metrics_summary.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cli/prometheus_text.hpp"

namespace herald::cli {
namespace {

constexpr const char* kBefore =
    "# HELP herald_connections Open connections\n"
    "# TYPE herald_connections gauge\n"
    "herald_connections{transport=\"http\"} 1\n"
    "herald_connections{transport=\"sse\"} 4\n"
    "herald_connections{transport=\"ws\"} 2\n"
    "herald_messages_published_total 100\n"
    "herald_messages_delivered_total{transport=\"sse\"} 400\n"
    "herald_messages_delivered_total{transport=\"ws\"} 10\n"
    "herald_channels 7\n";

constexpr const char* kAfter =
    "herald_connections{transport=\"http\"} 1\n"
    "herald_connections{transport=\"sse\"} 5\n"
    "herald_connections{transport=\"longpoll\"} 3\n"
    "herald_connections{transport=\"ws\"} 2\n"
    "herald_messages_published_total 120\n"
    "herald_messages_delivered_total{transport=\"sse\"} 500\n"
    "herald_messages_delivered_total{transport=\"ws\"} 15\n"
    "herald_channels 8\n";

TEST(PrometheusText, SeriesWithLabelsValuesAndTimestamps) {
  auto samples = parse_prometheus_text(
      "# comment\n\nup 1\nlatency_bucket{le=\"0.5\",path=\"a b}\"} 3 1700000000000\nbad{ 2\nnan_one NaN\n"
      "no_value\nlast 2.5");
  EXPECT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples.at("up"), 1);
  EXPECT_EQ(samples.at("latency_bucket{le=\"0.5\",path=\"a b}\"}"), 3);
  EXPECT_EQ(samples.at("last"), 2.5);
}

TEST(MetricsSummary, ConnectionsNowAndRatesBetweenTwoSamples) {
  auto summary = metrics_summary(metrics_sample(kBefore), metrics_sample(kAfter), 2.0, 1764268805000);
  auto expected = boost::json::parse(R"({"time":1764268805000,
    "connections":{"http":1,"sse":5,"longpoll":3,"ws":2},
    "delivered_per_second":{"sse":50,"longpoll":0,"ws":2.5,"history":0,"total":52.5},
    "published_per_second":10,"channels":8})");
  EXPECT_EQ(boost::json::value(summary), expected) << boost::json::serialize(summary);
}

TEST(MetricsSummary, CountersThatWentDownCountAsNoTraffic) {
  auto summary = metrics_sample(kAfter);
  auto restarted = metrics_sample("herald_messages_published_total 3\n");
  auto rates = metrics_summary(summary, restarted, 1.0, 0);
  EXPECT_EQ(rates.at("published_per_second"), 0);
  EXPECT_EQ(rates.at("delivered_per_second").at("total"), 0);
  EXPECT_EQ(rates.at("connections").at("sse"), 0);
}

}  // namespace
}  // namespace herald::cli
