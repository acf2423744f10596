// The Redis engine: channels live in Redis (one server, or a Redis Cluster), shared by every herald node
// that uses it, so a message published on any node reaches subscribers on all of them. Each worker has
// its own pipelined connections for publishing and reading history (no thread hop, no lock; on a cluster
// one per master, routed by slot), and the node has one pub/sub connection per Redis server (per master
// on a cluster), on the first worker's thread, subscribed to the topics of the channels its workers
// watch; a message arriving there is decoded once and handed to every watching worker. Redis pub/sub may lose
// messages (a dropped connection): the stream is the truth, and the hubs' position checks and the
// position-check events after a reconnect make feeds read back whatever they missed.
// Presence lives in Redis too, shared by every node; each node keeps its liveness key fresh and removes
// the entries of nodes that died (redis_presence.cpp).
// docs/scaling.md describes deployments; redis_scripts.hpp the keys.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine.hpp"
#include "engine/engine_config.hpp"
#include "engine/history_policy.hpp"
#include "engine/redis/redis_router.hpp"
#include "engine/redis/redis_scripts.hpp"
#include "engine/redis/redis_subscriber.hpp"

namespace herald {

class RedisEngine final : public Engine, private redis::Subscriber::Events {
 public:
  // Throws std::invalid_argument when the configuration cannot work (a bad URL).
  RedisEngine(std::vector<boost::asio::any_io_executor> executors, const EngineConfig& config);
  ~RedisEngine() override;

  void attach(WorkerId worker, EngineEvents& events) override;
  void start() override;
  void stop() override;
  void publish(WorkerId from, PublishRequest request, PublishCompletion done) override;
  void history(WorkerId from, HistoryRequest request, HistoryCompletion done) override;
  void watch(WorkerId worker, std::string channel, WatchCompletion done) override;
  void unwatch(WorkerId worker, std::string channel) override;
  void join(WorkerId from, std::string channel, PresenceClient client, PresenceCompletion done) override;
  void leave(WorkerId from, std::string channel, std::string client_id) override;
  void presence(WorkerId from, std::string channel, PresenceCompletion done) override;
  // stop() has removed this node's presence (every worker's last commands answered or failed).
  bool finished() const override { return farewells_left_.load(std::memory_order_acquire) == 0; }
  std::chrono::milliseconds position_check_interval() const override {
    return config_.redis.position_check_interval;
  }
  // Every worker can send commands (its router is up) and the pub/sub side can watch channels.
  bool ready() const override {
    return watchable_.load(std::memory_order_relaxed) &&
           routers_up_.load(std::memory_order_relaxed) == all_workers_;
  }
  std::string description() const override;
  std::size_t channel_count() const override { return watched_.load(std::memory_order_relaxed); }
  void write_metrics(std::string& out) const override;

 private:
  // The subscriber and the table of watched topics live on this worker's thread.
  static constexpr WorkerId kSubscriberWorker = 0;

  struct Waiting {
    WorkerId worker;
    WatchCompletion done;
  };
  struct Topic {
    std::string node;            // the Redis (the master, on a cluster) it is subscribed on
    std::uint64_t watchers = 0;  // bit per worker (hence kMaxWorkers)
    bool subscribed = false;     // Redis confirmed the subscription
    bool resubscribing = false;  // the subscription was lost with the connection: check positions once back
    std::vector<Waiting> waiting;
  };
  using Entries = std::unordered_map<std::string, PresenceClient>;  // by client id
  struct Worker {
    std::unique_ptr<redis::Router> router;
    EngineEvents* events = nullptr;
    std::mt19937_64 random;  // for new epochs
    // The presence entries of this worker's clients, by channel: what the node adds again when Redis
    // forgot them, and removes when it stops.
    std::unordered_map<std::string, Entries> present;
    // Leaves that failed (Redis unreachable): sent again at the next refresh, or the entry would stay.
    std::vector<std::pair<std::string, std::string>> leaves_owed;  // channel, client id
    bool resync_wanted = false;        // a presence command failed: add the entries again at the next refresh
    std::size_t presence_pending = 0;  // presence commands sent and not answered yet
    bool stopping = false;
    bool stopped = false;
  };

  // Subscriber::Events, on the subscriber's thread.
  void on_subscribed(redis::Subscriber& subscriber, const std::string& topic) override;
  void on_message(redis::Subscriber& subscriber, const std::string& topic, std::string payload) override;
  void on_subscriber_state(redis::Subscriber& subscriber, bool up) override;
  void on_subscriber_error(redis::Subscriber& subscriber, const std::string& error) override;

  // On the subscriber's thread: the pub/sub connection of `node`, made when first needed.
  redis::Subscriber& subscriber_for(const std::string& node);
  void subscribe_topic(const std::string& channel, Topic& topic);
  // The slot table changed or a connection came up or went down: topics whose slot moved are subscribed
  // on their new master, and the readiness is updated.
  void on_topology_change();
  // On `worker`'s thread: its router's connections came up or went down (or the slot table changed).
  void on_router_change(WorkerId worker);
  void update_readiness();
  void lost_subscription(const std::string& channel, Topic& topic, const std::string& reason);

  // Presence (redis_presence.cpp). The node's id, current generation included.
  std::string node_id() const;
  // Counts a presence command of `worker` until `done` ran (stop() waits for them).
  Completion<redis::Result> tracked(WorkerId worker, Completion<redis::Result> done);
  void presence_command(WorkerId worker, const std::string& key, std::vector<std::string> args,
                        Completion<redis::Result> done);
  // Records the channel under the node's id, then writes the entry.
  void add_entry(WorkerId worker, const std::string& channel, const PresenceClient& client,
                 Completion<redis::Result> done);
  void remove_entry(WorkerId worker, const std::string& channel, const std::string& client_id);
  // Sets the liveness key and registers the node, unless the current id is registered already.
  void register_node(WorkerId worker, Completion<redis::Result> done);
  // Sends again the leaves that failed and (all: every entry; else when a command failed) the entries.
  void resync(WorkerId worker, bool all);
  void schedule_refresh();
  void refresh();
  void on_refreshed(bool existed);
  void sweep();
  void clean_up_node(const std::string& node, std::function<void()> done);
  void on_presence_frame(const Topic& topic, std::string_view channel, std::string_view payload);
  void farewell(WorkerId worker);
  void end_farewell(WorkerId worker);

  void watch_on_subscriber(WorkerId worker, std::string channel, WatchCompletion done);
  void unwatch_on_subscriber(WorkerId worker, const std::string& channel);
  void run_script(WorkerId from, const redis::Script& script, std::vector<std::string> keys_and_args,
                  std::size_t key_count, Completion<redis::Result> done);
  std::vector<redis::Endpoint> seeds() const;
  template <typename Function>
  void run_on(WorkerId worker, Function&& function);
  template <typename Outcome>
  void complete_on(WorkerId worker, Completion<Outcome> done, Outcome outcome);

  std::vector<boost::asio::any_io_executor> executors_;
  EngineConfig config_;
  HistoryPolicy history_policy_;  // the bounds each publish and history read passes to its script
  redis::Endpoint endpoint_;
  std::vector<Worker> workers_;
  std::unordered_map<std::string, std::unique_ptr<redis::Subscriber>> subscribers_;  // by node
  std::unordered_map<std::string, Topic> topics_;                                    // by channel name
  bool started_ = false;
  // The subscriber's worker can send commands and every pub/sub connection in use is up (new watches
  // are possible); written on the subscriber's thread.
  std::atomic<bool> watchable_{false};
  // A bit per worker whose router is up, each written on its worker's thread: a node is ready only when
  // every worker can publish, since any of them may get the next request.
  std::atomic<std::uint64_t> routers_up_{0};
  std::uint64_t all_workers_ = 0;
  std::atomic<std::size_t> watched_{0};
  std::atomic<std::uint64_t> subscriber_failures_{0};  // pub/sub connections lost (read by metrics)

  // Presence across nodes. The id is random per process; its generation grows whenever Redis forgot the
  // node (its liveness key was gone at a refresh), so that entries written before cannot be taken for
  // ones written after, by nodes cleaning up the old id.
  std::string node_base_;
  std::atomic<std::uint64_t> node_generation_{0};
  // On the subscriber's worker: the liveness refresh and dead-node sweep.
  std::unique_ptr<boost::asio::steady_timer> liveness_timer_;
  bool refreshed_once_ = false;  // the current id's liveness key has been set
  // generation + 1 once the current id is in the node registry: until then, a worker writing an entry
  // registers the node itself first (register_node), so no entry can exist under an id no sweep knows.
  std::atomic<std::uint64_t> registered_generation_{0};
  // Every entry is written again once the node is registered: at the first registration (entries written
  // before it may have been lost unnoticed), and after Redis forgot the node.
  bool resync_all_ = true;
  bool sweeping_ = false;
  std::atomic<unsigned> farewells_left_{0};
  std::atomic<std::uint64_t> dead_nodes_cleaned_{0};  // for metrics
  std::atomic<std::uint64_t> dead_entries_removed_{0};
};

// Shared by redis_engine.cpp and redis_presence.cpp.
template <typename Function>
void RedisEngine::run_on(WorkerId worker, Function&& function) {
  boost::asio::post(executors_[worker], std::forward<Function>(function));
}

template <typename Outcome>
void RedisEngine::complete_on(WorkerId worker, Completion<Outcome> done, Outcome outcome) {
  run_on(worker, [done = std::move(done), outcome = std::move(outcome)]() mutable {
    std::move(done)(std::move(outcome));
  });
}

}  // namespace herald
