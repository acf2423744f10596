// The embedded engine: channels live in this process, partitioned into one shard per worker thread.
// A channel's shard is chosen by hashing its name; only that worker's thread touches the shard, so no
// locks: other workers reach it by posting to its executor. History is lost when the process ends; the
// next run gives every channel a new epoch, so resuming clients are told about the gap.
#pragma once
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <random>
#include <unordered_map>

#include "engine/engine.hpp"
#include "engine/memory/history_ring.hpp"
#include "engine/memory/idempotency_window.hpp"

namespace herald {

struct MemoryEngineConfig {
  std::size_t history_size = 1000;
  std::int64_t history_ttl_ms = 600'000;
  std::size_t max_channels = 1'000'000;
  std::int64_t channel_idle_ms = 600'000;
  std::int64_t idempotency_window_ms = 300'000;
  std::size_t idempotency_max_entries = 100'000;  // per shard
};

class MemoryEngine final : public Engine {
 public:
  MemoryEngine(WorkerPorts ports, MemoryEngineConfig config);
  ~MemoryEngine() override;

  void publish(WorkerId from, PublishRequest request, std::function<void(PublishOutcome)> done) override;
  void history(WorkerId from, HistoryRequest request, std::function<void(HistoryOutcome)> done) override;
  void watch(WorkerId worker, const std::string& channel) override;
  void unwatch(WorkerId worker, const std::string& channel) override;
  void start() override;
  void stop() override;
  std::size_t channel_count() const override { return channel_count_.load(std::memory_order_relaxed); }

 private:
  struct Channel {
    std::string epoch;
    std::uint64_t last_offset = 0;
    HistoryRing ring;
    std::uint64_t watchers = 0;  // bit per worker
    std::int64_t last_active_ms = 0;
  };
  struct Shard {
    Shard(const boost::asio::any_io_executor& executor, const MemoryEngineConfig& config);
    std::unordered_map<std::string, Channel> channels;
    IdempotencyWindow idempotency;
    boost::asio::steady_timer sweep_timer;
    std::mt19937_64 random;
  };

  WorkerId owner_of(const std::string& channel) const;
  template <typename Function>
  void run_on(WorkerId worker, Function&& function);
  template <typename Function>
  void run_as_owner(WorkerId caller, WorkerId owner, Function&& function);
  Channel* find_or_create(Shard& shard, const std::string& name, std::int64_t now_ms);
  std::string new_epoch(Shard& shard);
  PublishOutcome publish_on_owner(Shard& shard, PublishRequest& request);
  HistoryOutcome history_on_owner(Shard& shard, const HistoryRequest& request);
  void fan_out(const Channel& channel, const MessagePtr& message);
  void schedule_sweep(WorkerId worker);
  void sweep(Shard& shard);

  WorkerPorts ports_;
  MemoryEngineConfig config_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::size_t> channel_count_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace herald
