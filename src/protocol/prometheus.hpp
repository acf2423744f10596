// The Prometheus text exposition format (version 0.0.4): metric headers, and a latency histogram whose
// buckets any thread may bump (relaxed atomics) and that is written summed over several copies (one per
// worker or per connection), so that hot paths never share a counter.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald::prometheus {

// "# HELP name help\n# TYPE name type\n"
void header(std::string& out, std::string_view name, std::string_view type, std::string_view help);

class Histogram {
 public:
  // Upper bounds of the buckets, in seconds: 0.1 ms to 1 s, for anything from a publish to a Redis command.
  static constexpr std::array<double, 10> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                     0.005,  0.01,    0.025,  0.1,   1.0};

  void observe(double seconds);

  // The histogram `name` (header included) of the sum of `parts`.
  static void write(std::string& out, std::string_view name, std::string_view help,
                    const std::vector<const Histogram*>& parts);

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  // the last one: above every bound
  std::atomic<double> sum_{0};
};

}  // namespace herald::prometheus
