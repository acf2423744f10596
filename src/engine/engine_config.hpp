// The settings an engine is made with: which engine, and the bounds of every channel it keeps (history
// size and age, channel count, idle time, idempotency window), the same for every engine.
#pragma once
#include <cstdint>
#include <string>

namespace herald {

struct ChannelLimits {
  std::size_t history_size = 1000;
  std::int64_t history_ttl_ms = 600'000;
  std::size_t max_channels = 1'000'000;
  std::int64_t channel_idle_ms = 600'000;
  std::int64_t idempotency_window_ms = 300'000;
  std::size_t idempotency_max_entries = 100'000;  // per worker
};

struct EngineConfig {
  std::string type = "memory";  // the only engine so far
  ChannelLimits channels;
};

}  // namespace herald
