// The Redis engine: channels live in Redis (one server, or a Redis Cluster), shared by every herald node
// that uses it, so a message published on any node reaches subscribers on all of them. Each worker has
// its own pipelined connections for publishing and reading history (no thread hop, no lock; on a cluster
// one per master, routed by slot), and the node has one pub/sub connection per Redis server (per master
// on a cluster), on the first worker's thread, subscribed to the topics of the channels its workers
// watch; a message arriving there is decoded once and handed to every watching worker. Redis pub/sub may lose
// messages (a dropped connection): the stream is the truth, and the hubs' position checks and the
// position-check events after a reconnect make feeds read back whatever they missed.
// docs/scaling.md describes deployments; redis_scripts.hpp the keys.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
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
  // Presence is not shared through Redis yet: these complete `rejected` (and the configuration refuses
  // namespaces with presence on this engine, so clients never meet it).
  void join(WorkerId from, std::string channel, PresenceClient client, PresenceCompletion done) override;
  void leave(WorkerId, std::string, std::string) override {}
  void presence(WorkerId from, std::string channel, PresenceCompletion done) override;
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
  struct Worker {
    std::unique_ptr<redis::Router> router;
    EngineEvents* events = nullptr;
    std::mt19937_64 random;  // for new epochs
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
};

}  // namespace herald
