// Prometheus text format (see prometheus.hpp).
#include "protocol/prometheus.hpp"

#include <fmt/format.h>

namespace herald::prometheus {

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void Histogram::observe(double seconds) {
  std::size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket]) ++bucket;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  double sum = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(sum, sum + seconds, std::memory_order_relaxed)) {
  }
}

void Histogram::write(std::string& out, std::string_view name, std::string_view help,
                      const std::vector<const Histogram*>& parts) {
  header(out, name, "histogram", help);
  std::uint64_t cumulative = 0;
  double sum = 0;
  for (const auto* part : parts) sum += part->sum_.load(std::memory_order_relaxed);
  for (std::size_t b = 0; b <= kBounds.size(); ++b) {
    for (const auto* part : parts) cumulative += part->buckets_[b].load(std::memory_order_relaxed);
    std::string le = b < kBounds.size() ? fmt::format("{}", kBounds[b]) : std::string("+Inf");
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, le, cumulative);
  }
  out += fmt::format("{}_sum {}\n", name, sum);
  out += fmt::format("{}_count {}\n", name, cumulative);
}

}  // namespace herald::prometheus
