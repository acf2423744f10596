// The embedded engine: channels live in this process, partitioned into one shard per worker thread.
// A channel's shard is chosen by hashing its name; only that worker's thread touches the shard, so no
// locks: other workers reach it by posting to its executor. History is lost when the process ends; the
// next run gives every channel a new epoch, so resuming clients are told about the gap.
#pragma once
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <random>
#include <unordered_map>

#include "engine/engine.hpp"
#include "engine/engine_config.hpp"
#include "engine/history_policy.hpp"
#include "engine/memory/history_ring.hpp"
#include "engine/memory/idempotency_window.hpp"

namespace herald {

using MemoryEngineConfig = ChannelLimits;

class MemoryEngine final : public Engine {
 public:
  // One executor per worker: shard i lives on executors[i].
  MemoryEngine(std::vector<boost::asio::any_io_executor> executors, MemoryEngineConfig config);
  ~MemoryEngine() override;

  void attach(WorkerId worker, EngineEvents& events) override;
  void start() override;
  void stop() override;
  void publish(WorkerId from, PublishRequest request, PublishCompletion done) override;
  // One hop per shard the batch touches, and one completion.
  void publish_batch(WorkerId from, std::vector<PublishRequest> requests,
                     PublishBatchCompletion done) override;
  void history(WorkerId from, HistoryRequest request, HistoryCompletion done) override;
  void watch(WorkerId worker, std::string channel, WatchCompletion done) override;
  void unwatch(WorkerId worker, std::string channel) override;
  void join(WorkerId from, std::string channel, PresenceClient client, PresenceCompletion done) override;
  void leave(WorkerId from, std::string channel, std::string client_id) override;
  void presence(WorkerId from, std::string channel, PresenceCompletion done) override;
  // Messages reach watchers by posting to their thread, which never loses one: no checks needed.
  std::chrono::milliseconds position_check_interval() const override { return {}; }
  bool ready() const override { return true; }
  std::string description() const override { return "memory engine"; }
  std::size_t channel_count() const override { return channel_count_.load(std::memory_order_relaxed); }

 private:
  // Who is present in a channel, in the order they joined.
  struct Presence {
    std::map<std::uint64_t, PresenceClient> by_order;
    std::unordered_map<std::string, std::uint64_t> order_of;  // client id -> key in by_order
    std::uint64_t next_order = 0;
    PresenceClients list() const;
  };
  struct Channel {
    std::string epoch;
    std::uint64_t last_offset = 0;
    HistoryRing ring;
    std::uint64_t watchers = 0;  // bit per worker (hence kMaxWorkers)
    std::int64_t last_active_ms = 0;
    Presence presence;
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
  template <typename Completion, typename Outcome>
  void complete_on(WorkerId worker, Completion done, Outcome outcome);
  // nullptr when the channel does not exist and the channel limit forbids making it.
  Channel* find_or_create(Shard& shard, const std::string& name, std::int64_t now_ms);
  PublishOutcome publish_on_owner(Shard& shard, PublishRequest& request);
  HistoryOutcome history_on_owner(Shard& shard, const HistoryRequest& request);
  void fan_out(const Channel& channel, const MessagePtr& message);
  void fan_out(const Channel& channel, const PresenceEvent& event);
  void schedule_sweep(WorkerId worker);
  void sweep(Shard& shard);

  std::vector<boost::asio::any_io_executor> executors_;
  std::vector<EngineEvents*> events_;  // per worker
  MemoryEngineConfig config_;
  HistoryPolicy history_policy_;  // a channel's ring gets its bounds when the channel is made
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::size_t> channel_count_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace herald
