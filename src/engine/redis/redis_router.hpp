// Where one worker's commands go. In front of a single Redis it is one client. In front of a Redis Cluster
// it keeps a client per master and the slot table (CLUSTER SLOTS, loaded from any node that answers),
// sends each command to the master of its key's slot, follows MOVED (the slot has moved: the table is
// updated and reloaded, and the command sent again) and ASK (sent once more to the named node, after
// ASKING), and reloads the table when a master's connection is lost, and then often until every master
// it names can be reached again, since a replica may be taking over.
// A command the cluster cannot serve for a moment, TRYAGAIN (its slot is being moved and its keys are
// apart) or CLUSTERDOWN (a failover in progress), is sent again a little later, for as long as the
// command timeout allows.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/redis/cluster_map.hpp"
#include "engine/redis/redis_client.hpp"

namespace herald::redis {

class Router {
 public:
  // `seeds` empty: a single Redis at `base`. Otherwise the cluster's seed nodes (with `base`'s
  // credentials). `on_change` runs when the slot table changes or a connection comes up or goes down.
  Router(boost::asio::any_io_executor executor, Endpoint base, std::vector<Endpoint> seeds, Timeouts timeouts,
         std::function<void()> on_change = {});
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  void start();
  void stop();
  bool cluster() const { return !seeds_.empty(); }
  // Commands can be sent: the client is up, or (cluster) the slot table is known and every master's
  // client is up.
  bool up() const;
  const SlotTable& slots() const { return table_; }
  // "host:port" of the node that serves `key` (the single Redis, or the master of its slot; empty while
  // the table is not known).
  std::string node_of(std::string_view key) const;
  // A MOVED seen elsewhere (on a pub/sub connection): the table learns it and is reloaded.
  void moved(const Redirection& redirection);

  // Sends `formatted` (format_command), which concerns `key`.
  void command(std::string_view key, std::string formatted, Completion<Result> done);

  // Connections lost or not made, and the time each command took: any thread may read them.
  std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
  const prometheus::Histogram& durations() const { return durations_; }

 private:
  // How often a command follows redirections before it fails, and how often the table is reloaded
  // while nothing asks for it (topology changes show up as MOVED long before that).
  static constexpr int kMaxRedirections = 5;
  static constexpr std::chrono::milliseconds kReloadInterval{30'000};
  // How often it is reloaded while a master it names cannot be reached: a replica promoted in its place
  // is used at most this long after the cluster made it master.
  static constexpr std::chrono::milliseconds kFailoverReloadInterval{250};
  // The wait before asking again when no node answered.
  static constexpr std::chrono::milliseconds kRetryWait{200};
  // The wait before a command refused with TRYAGAIN or CLUSTERDOWN is sent again.
  static constexpr std::chrono::milliseconds kTryAgainWait{25};

  using Clock = std::chrono::steady_clock;
  Client& client_for(const std::string& node);
  void send(std::shared_ptr<const std::string> formatted, std::uint16_t slot, const std::string& node,
            int redirections, bool asking, Clock::time_point started, Completion<Result> done);
  // Sends the command again after kTryAgainWait, to the slot's master then; false (and nothing taken)
  // when that would take it past the command timeout since `started`.
  bool send_later(std::shared_ptr<const std::string>& formatted, std::uint16_t slot,
                  Clock::time_point started, Completion<Result>& done);
  void reload_slots();
  void reload_soon();
  void reload_after(std::chrono::milliseconds wait);
  void on_client_state(bool up);

  boost::asio::any_io_executor executor_;
  Endpoint base_;
  std::vector<Endpoint> seeds_;
  Timeouts timeouts_;
  std::function<void()> on_change_;
  std::unordered_map<std::string, std::unique_ptr<Client>> clients_;  // by "host:port"
  std::string single_;                                                // the node of a single Redis
  SlotTable table_;
  boost::asio::steady_timer reload_timer_;
  // The timers of commands to be sent again (send_later).
  std::list<boost::asio::steady_timer> waits_;
  bool reloading_ = false;      // a CLUSTER SLOTS is on its way
  bool reload_wanted_ = false;  // asked for while one was on its way
  bool stopped_ = false;
  std::atomic<std::uint64_t> failures_{0};
  prometheus::Histogram durations_;  // of every client
};

}  // namespace herald::redis
