// Wall-clock time as herald puts it on messages: milliseconds since the Unix epoch.
#pragma once
#include <chrono>
#include <cstdint>

namespace herald {

inline std::int64_t now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace herald
