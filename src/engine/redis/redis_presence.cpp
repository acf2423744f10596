// The presence half of the Redis engine (see redis_engine.hpp). A channel's presence is a hash in the
// channel's slot (redis_scripts.hpp), written by scripts that also publish a join or leave frame on the
// channel's topic, so every node's watching workers hear of it through the subscription their messages
// use. Every client's entry names the node it is connected to.
//
// Dead nodes. Each node sets its liveness key (TTL node_ttl) every node_refresh_interval and keeps, under
// its id, the set of channels its workers have entries in. At each refresh it also looks at every node
// registered: one whose liveness key is gone is dead, and its entries are removed channel by channel,
// each with a leave frame, before the node's set and registration go. The scripts remove an entry only
// once, so several nodes may clean up the same dead node at once. A node that dies without stopping is
// out of presence within node_ttl + node_refresh_interval (8 s by default).
//
// Forgetting. A refresh that finds the node's own liveness key gone means Redis forgot the node (a
// restart without persistence, or the node was unreachable for longer than the TTL and others cleaned
// it up). The node then takes a new id (the next generation) and writes every entry of its clients
// again, so nothing it serves is lost for longer than one refresh interval, and nothing written under
// the old id survives the cleanup of that id. A presence command that fails (Redis unreachable) is sent
// again at the next refresh: a failed join is written, a failed leave removed, so no ghost stays.
//
// Stopping. stop() removes what is left of each worker's entries (the sessions leave as they close),
// deletes the node's liveness key, and waits for the answers before the routers stop.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <memory>

#include "engine/redis/presence_codec.hpp"
#include "engine/redis/redis_engine.hpp"
#include "engine/redis/redis_scripts.hpp"

namespace herald {
namespace asio = boost::asio;
using redis::Reply;
using redis::Result;

namespace {

bool answered(const Result& result) { return result.ok && !result.reply.is_error(); }

std::string problem_of(const Result& result) {
  if (!result.ok) return result.error;
  if (result.reply.is_error()) return "redis: " + result.reply.text;
  return "redis: unexpected answer";
}

// Everyone in an HGETALL answer of a presence hash, in join order.
PresenceClients clients_of(const Reply& hash) {
  std::vector<std::string_view> flat;
  flat.reserve(hash.elements.size());
  for (const auto& element : hash.elements) flat.emplace_back(element.text);
  return redis::presence_list(flat);
}

// The worker's set member of a channel: "<worker>:<channel>"; and back.
std::string member_of(WorkerId worker, const std::string& channel) {
  return std::to_string(worker) + ":" + channel;
}
std::string_view channel_of_member(std::string_view member) {
  std::size_t colon = member.find(':');
  return colon == std::string_view::npos ? std::string_view{} : member.substr(colon + 1);
}

// Runs `done` once `count` parts have each called it (a failed part makes `ok` false).
class Countdown {
 public:
  static std::shared_ptr<Countdown> make(std::size_t count, std::function<void(bool ok)> done) {
    auto countdown = std::make_shared<Countdown>();
    countdown->left_ = count;
    countdown->done_ = std::move(done);
    if (count == 0) countdown->done_(true);
    return countdown;
  }
  void part_done(bool ok) {
    ok_ = ok_ && ok;
    if (--left_ == 0) done_(ok_);
  }

 private:
  std::size_t left_ = 0;
  bool ok_ = true;
  std::function<void(bool)> done_;
};

}  // namespace

std::string RedisEngine::node_id() const {
  return node_base_ + "-" + std::to_string(node_generation_.load(std::memory_order_relaxed));
}

Completion<Result> RedisEngine::tracked(WorkerId worker, Completion<Result> done) {
  ++workers_[worker].presence_pending;
  return [this, worker, done = std::move(done)](Result result) mutable {
    std::move(done)(std::move(result));
    Worker& state = workers_[worker];
    if (--state.presence_pending == 0 && state.stopping) end_farewell(worker);
  };
}

void RedisEngine::presence_command(WorkerId worker, const std::string& key, std::vector<std::string> args,
                                   Completion<Result> done) {
  std::vector<std::string_view> argv(args.begin(), args.end());
  workers_[worker].router->command(key, redis::format_command(argv), tracked(worker, std::move(done)));
}

void RedisEngine::join(WorkerId from, std::string channel, PresenceClient client, PresenceCompletion done) {
  Worker& worker = workers_[from];
  if (worker.stopping) {
    return complete_on(from, std::move(done),
                       PresenceOutcome{EngineStatus::unavailable, "the server is shutting down", {}});
  }
  worker.present[channel][client.id] = client;
  add_entry(from, channel, client, [this, from, done = std::move(done)](Result result) mutable {
    PresenceOutcome outcome;
    const auto& answer = result.reply.elements;
    if (answered(result) && result.reply.is_array() && answer.size() == 2 && answer[1].is_array()) {
      outcome.clients = clients_of(answer[1]);
    } else {
      workers_[from].resync_wanted = true;  // written at the next refresh
      outcome.status = EngineStatus::unavailable;
      outcome.error = problem_of(result);
    }
    std::move(done)(std::move(outcome));
  });
}

void RedisEngine::add_entry(WorkerId worker, const std::string& channel, const PresenceClient& client,
                            Completion<Result> done) {
  register_node(worker, [this, worker, channel, client, done = std::move(done)](Result registered) mutable {
    if (!answered(registered)) return std::move(done)(std::move(registered));
    std::string node = node_id();
    redis::NodeKeys node_keys = redis::node_keys_of(config_.redis.prefix, node);
    // The channel is recorded under the node first, so a cleanup after the node's death finds the entry.
    presence_command(worker, node_keys.channels, {"SADD", node_keys.channels, member_of(worker, channel)},
                     [this, worker, channel, client, node, done = std::move(done)](Result recorded) mutable {
                       if (!answered(recorded)) return std::move(done)(std::move(recorded));
                       redis::ChannelKeys keys = redis::keys_of(config_.redis.prefix, channel);
                       std::vector<std::string> params{keys.presence, keys.presence_order, client.id, node,
                                                       client.user,   client.info_json,    keys.topic};
                       run_script(worker, redis::join_script(), std::move(params), 2,
                                  tracked(worker, std::move(done)));
                     });
  });
}

// A node that wrote entries and died before its first refresh answered would be in no registry, and its
// entries would stay for ever: so the first entries of an id register it themselves, the liveness key
// first (a registered node without one is taken for dead).
void RedisEngine::register_node(WorkerId worker, Completion<Result> done) {
  std::uint64_t generation = node_generation_.load(std::memory_order_relaxed);
  if (registered_generation_.load(std::memory_order_acquire) == generation + 1) {
    Result registered;
    registered.ok = true;
    return std::move(done)(std::move(registered));
  }
  std::string node = node_id();
  std::string alive = redis::node_keys_of(config_.redis.prefix, node).alive;
  std::string ttl = std::to_string(config_.redis.node_ttl.count());
  presence_command(worker, alive, {"SET", alive, "1", "PX", ttl},
                   [this, worker, node, done = std::move(done)](Result lively) mutable {
                     if (!answered(lively)) return std::move(done)(std::move(lively));
                     std::string registry = redis::nodes_key(config_.redis.prefix);
                     presence_command(worker, registry, {"SADD", registry, node}, std::move(done));
                   });
}

void RedisEngine::leave(WorkerId from, std::string channel, std::string client_id) {
  Worker& worker = workers_[from];
  auto it = worker.present.find(channel);
  if (it != worker.present.end()) {
    it->second.erase(client_id);
    if (it->second.empty()) worker.present.erase(it);
  }
  remove_entry(from, channel, client_id);
}

void RedisEngine::remove_entry(WorkerId worker, const std::string& channel, const std::string& client_id) {
  redis::ChannelKeys keys = redis::keys_of(config_.redis.prefix, channel);
  std::vector<std::string> params{keys.presence, keys.presence_order, client_id, keys.topic};
  run_script(worker, redis::leave_script(), std::move(params), 2,
             tracked(worker, [this, worker, channel, client_id](Result result) {
               if (!answered(result)) workers_[worker].leaves_owed.emplace_back(channel, client_id);
             }));
  if (workers_[worker].present.contains(channel)) return;
  // No client of this worker is present in the channel any more: a cleanup need not look there.
  redis::NodeKeys node_keys = redis::node_keys_of(config_.redis.prefix, node_id());
  presence_command(worker, node_keys.channels, {"SREM", node_keys.channels, member_of(worker, channel)},
                   [](Result) {});
}

void RedisEngine::presence(WorkerId from, std::string channel, PresenceCompletion done) {
  std::string key = redis::keys_of(config_.redis.prefix, channel).presence;
  workers_[from].router->command(key, redis::format_command({"HGETALL", key}),
                                 [done = std::move(done)](Result result) mutable {
                                   PresenceOutcome outcome;
                                   if (answered(result) && result.reply.is_array()) {
                                     outcome.clients = clients_of(result.reply);
                                   } else {
                                     outcome.status = EngineStatus::unavailable;
                                     outcome.error = problem_of(result);
                                   }
                                   std::move(done)(std::move(outcome));
                                 });
}

void RedisEngine::resync(WorkerId worker, bool all) {
  Worker& state = workers_[worker];
  if (state.stopping) return;
  auto owed = std::move(state.leaves_owed);
  state.leaves_owed.clear();
  for (const auto& [channel, client_id] : owed) {
    auto present = state.present.find(channel);
    if (present == state.present.end() || !present->second.contains(client_id))
      remove_entry(worker, channel, client_id);
  }
  if (!all && !state.resync_wanted) return;
  state.resync_wanted = false;
  for (const auto& [channel, entries] : state.present)
    for (const auto& [id, client] : entries)
      add_entry(worker, channel, client, [this, worker](Result result) {
        if (!answered(result)) workers_[worker].resync_wanted = true;
      });
}

void RedisEngine::on_presence_frame(const Topic& topic, std::string_view channel, std::string_view payload) {
  auto event = redis::decode_presence_frame(channel, payload);
  if (!event) {
    spdlog::warn("redis: a malformed presence frame on channel {}", channel);
    return;
  }
  for (std::uint64_t bits = topic.watchers; bits != 0; bits &= bits - 1) {
    auto worker = static_cast<WorkerId>(__builtin_ctzll(bits));
    run_on(worker, [events = workers_[worker].events, event = *event] { events->on_presence(event); });
  }
}

// The liveness refresh and the sweep, on the subscriber's worker. A refresh starts at every interval
// whether the previous one answered or not, so a slow Redis does not stretch the time between them.
void RedisEngine::schedule_refresh() {
  refresh();
  // Until the node is registered (Redis not reached yet at start), it tries again soon: a node that
  // dies before its first refresh could not be cleaned up.
  constexpr std::chrono::milliseconds kFirstRefreshRetry{100};
  liveness_timer_->expires_after(refreshed_once_
                                     ? config_.redis.node_refresh_interval
                                     : std::min(kFirstRefreshRetry, config_.redis.node_refresh_interval));
  liveness_timer_->async_wait([this](const boost::system::error_code& error) {
    if (!error && started_) schedule_refresh();
  });
}

void RedisEngine::refresh() {
  std::string alive = redis::node_keys_of(config_.redis.prefix, node_id()).alive;
  std::vector<std::string> params{alive, std::to_string(config_.redis.node_ttl.count())};
  run_script(kSubscriberWorker, redis::refresh_script(), std::move(params), 1,
             tracked(kSubscriberWorker, [this](Result result) {
               if (!started_) return;
               if (!answered(result) || result.reply.type != Reply::Type::integer) {
                 spdlog::debug("redis: presence liveness not refreshed: {}", problem_of(result));
                 return;
               }
               on_refreshed(result.reply.integer == 1);
             }));
}

void RedisEngine::on_refreshed(bool existed) {
  if (!existed && refreshed_once_) {
    std::string old = node_id();
    node_generation_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("redis: the presence of node {} was forgotten; writing it again as node {}", old, node_id());
    refreshed_once_ = false;
    resync_all_ = true;
    return refresh();  // the new id's liveness key, before the id is registered
  }
  refreshed_once_ = true;
  bool all = std::exchange(resync_all_, false);
  std::string registry = redis::nodes_key(config_.redis.prefix);
  std::uint64_t generation = node_generation_.load(std::memory_order_relaxed);
  presence_command(kSubscriberWorker, registry, {"SADD", registry, node_id()},
                   [this, all, generation](Result result) {
                     if (!answered(result)) {
                       resync_all_ = resync_all_ || all;  // once registered
                       return;
                     }
                     registered_generation_.store(generation + 1, std::memory_order_release);
                     for (WorkerId worker = 0; worker < workers_.size(); ++worker)
                       run_on(worker, [this, worker, all] { resync(worker, all); });
                     sweep();
                   });
}

void RedisEngine::sweep() {
  if (sweeping_ || !started_) return;
  sweeping_ = true;
  std::string registry = redis::nodes_key(config_.redis.prefix);
  presence_command(kSubscriberWorker, registry, {"SMEMBERS", registry}, [this](Result result) {
    std::vector<std::string> others;
    if (answered(result) && result.reply.is_array())
      for (const auto& node : result.reply.elements)
        if (node.text != node_id()) others.push_back(node.text);
    auto all_looked_at = Countdown::make(others.size(), [this](bool) { sweeping_ = false; });
    for (const auto& node : others) {
      std::string alive = redis::node_keys_of(config_.redis.prefix, node).alive;
      presence_command(
          kSubscriberWorker, alive, {"EXISTS", alive}, [this, node, all_looked_at](Result exists) {
            bool dead =
                answered(exists) && exists.reply.type == Reply::Type::integer && exists.reply.integer == 0;
            if (!dead || !started_) return all_looked_at->part_done(true);
            clean_up_node(node, [all_looked_at] { all_looked_at->part_done(true); });
          });
    }
  });
}

// Removes the entries of the dead `node` from every channel its set names; once all are gone, the set and
// the registration go too (until then a later sweep tries again).
void RedisEngine::clean_up_node(const std::string& node, std::function<void()> done) {
  redis::NodeKeys node_keys = redis::node_keys_of(config_.redis.prefix, node);
  presence_command(
      kSubscriberWorker, node_keys.channels, {"SMEMBERS", node_keys.channels},
      [this, node, node_keys, done = std::move(done)](Result result) mutable {
        if (!answered(result) || !result.reply.is_array()) return done();
        std::vector<std::string> channels;
        for (const auto& member : result.reply.elements) {
          std::string_view channel = channel_of_member(member.text);
          if (!channel.empty()) channels.emplace_back(channel);
        }
        auto removed = std::make_shared<std::uint64_t>(0);
        auto all_evicted = Countdown::make(channels.size(), [this, node, node_keys, removed, done](bool ok) {
          if (!ok || !started_) return done();
          std::string registry = redis::nodes_key(config_.redis.prefix);
          presence_command(kSubscriberWorker, node_keys.channels, {"DEL", node_keys.channels}, [](Result) {});
          presence_command(kSubscriberWorker, registry, {"SREM", registry, node},
                           [this, node, removed, done](Result forgotten) {
                             if (answered(forgotten) && forgotten.reply.integer == 1) {
                               dead_nodes_cleaned_.fetch_add(1, std::memory_order_relaxed);
                               spdlog::info("redis: node {} is gone; {} presence entries of its removed here",
                                            node, *removed);
                             }
                             done();
                           });
        });
        for (const auto& channel : channels) {
          redis::ChannelKeys keys = redis::keys_of(config_.redis.prefix, channel);
          std::vector<std::string> params{keys.presence, keys.presence_order, node, keys.topic};
          run_script(kSubscriberWorker, redis::evict_script(), std::move(params), 2,
                     tracked(kSubscriberWorker, [this, removed, all_evicted](Result evicted) {
                       bool ok = answered(evicted) && evicted.reply.type == Reply::Type::integer;
                       if (ok) {
                         *removed += static_cast<std::uint64_t>(evicted.reply.integer);
                         dead_entries_removed_.fetch_add(static_cast<std::uint64_t>(evicted.reply.integer),
                                                         std::memory_order_relaxed);
                       }
                       all_evicted->part_done(ok);
                     }));
        }
      });
}

void RedisEngine::farewell(WorkerId worker) {
  Worker& state = workers_[worker];
  if (state.stopping) return;
  std::vector<std::pair<std::string, std::string>> left;
  for (const auto& [channel, entries] : state.present)
    for (const auto& [id, client] : entries) left.emplace_back(channel, id);
  for (const auto& [channel, id] : left) leave(worker, channel, id);
  if (worker == kSubscriberWorker) {
    // Whatever is left of this node's presence (a leave that fails now) is removed by the other nodes
    // at their next sweep, instead of after the TTL.
    std::string alive = redis::node_keys_of(config_.redis.prefix, node_id()).alive;
    presence_command(worker, alive, {"DEL", alive}, [](Result) {});
  }
  state.stopping = true;
  if (state.presence_pending == 0) end_farewell(worker);
}

void RedisEngine::end_farewell(WorkerId worker) {
  Worker& state = workers_[worker];
  if (state.stopped) return;
  state.stopped = true;
  state.router->stop();
  farewells_left_.fetch_sub(1, std::memory_order_acq_rel);
}

}  // namespace herald
