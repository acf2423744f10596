// The settings an engine is made with: which engine, the bounds of every channel it keeps (history
// size and age, also per channel name prefix; channel count, idle time, idempotency window; the same
// for every engine), and where the Redis engine finds its server.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace herald {

// The history bounds of the channels whose names start with `prefix` (a [[namespace]] of the settings).
struct HistoryRule {
  std::string prefix;
  std::size_t history_size = 1000;
  std::int64_t history_ttl_ms = 600'000;
};

struct ChannelLimits {
  std::size_t history_size = 1000;  // of a channel no rule covers
  std::int64_t history_ttl_ms = 600'000;
  std::vector<HistoryRule> history_rules;  // the longest matching prefix wins (engine/history_policy.hpp)
  std::size_t max_channels = 1'000'000;
  std::int64_t channel_idle_ms = 600'000;
  std::int64_t idempotency_window_ms = 300'000;
  std::size_t idempotency_max_entries = 100'000;  // per worker
};

struct RedisConfig {
  std::string url = "redis://127.0.0.1:6379";
  std::string prefix = "herald";     // of every key and topic
  std::vector<std::string> cluster;  // seed nodes ("host:port"): a Redis Cluster
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};
  std::chrono::milliseconds position_check_interval{2000};  // see Engine::position_check_interval
  // Presence across nodes (docs/scaling.md): each node refreshes its liveness key this often, with this
  // TTL, and looks for dead nodes at each refresh. A node that dies is out of presence within
  // node_ttl + node_refresh_interval.
  std::chrono::milliseconds node_refresh_interval{2000};
  std::chrono::milliseconds node_ttl{6000};
};

struct EngineConfig {
  std::string type = "memory";  // "memory" or "redis"
  ChannelLimits channels;
  RedisConfig redis;
};

}  // namespace herald
