// The result of one run, latency percentiles from the raw samples, and the two ways of printing it:
// a short human-readable block and one JSON line (--json) that bench/compare collects.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "options.hpp"
#include "sequence_tracker.hpp"

namespace bench {

struct Latency {
  std::uint64_t samples = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};

struct Result {
  std::string mode;  // "deliveries" or "idle"
  std::uint64_t ready = 0, failed = 0, disconnects = 0, reconnects = 0;
  std::uint64_t poll_answers = 0, poll_messages = 0;  // long polling: answers with messages, and those
  double connect_seconds = 0;
  std::uint64_t published = 0, publish_errors = 0;
  double publish_rate = 0;        // messages/s the publishers achieved
  double publish_lag_max_ms = 0;  // with --rate: worst delay behind the schedule
  DeliveryCounts counts;
  bool complete = false;
  double duration_seconds = 0;  // first publish to last delivery
  double deliveries_per_second = 0;
  Latency latency;
  std::uint64_t samples_dropped = 0;
  double server_cpu_seconds = 0;  // --pid and --broker-pid processes
  double cpu_us_per_delivery = 0;
  double broker_cpu_seconds = 0;  // --broker-pid processes alone (included above)
  double broker_cpu_us_per_delivery = 0;
  double client_cpu_seconds = 0;                // herald-bench's own CPU over the same phase
  std::uint64_t rss_before = 0, rss_after = 0;  // --pid and --broker-pid processes
  std::uint64_t broker_rss_before = 0, broker_rss_after = 0;
  double rss_per_connection = 0;
  bool proc_ok = true;
  std::string first_error;
};

// Sorts partially: the samples are reordered.
Latency latency_percentiles(std::vector<std::int64_t>& samples_ns);

void print_text(const Options& options, const Result& result);
void print_json(const Options& options, const Result& result);

}  // namespace bench
