// Clocks of herald-bench: wall-clock nanoseconds (CLOCK_REALTIME) stamp payloads and deliveries, so a
// latency is receive time minus the send time carried in the message; steady time bounds waits.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>

namespace bench {

inline std::int64_t realtime_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

inline Deadline deadline_after(double seconds) {
  return SteadyClock::now() +
         std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
}

inline bool expired(Deadline deadline) { return SteadyClock::now() >= deadline; }

}  // namespace bench
