// Redis engine (see redis_engine.hpp).
#include "engine/redis/redis_engine.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <charconv>
#include <stdexcept>

#include "core/clock.hpp"
#include "engine/new_epoch.hpp"
#include "engine/redis/presence_codec.hpp"
#include "engine/redis/redis_scripts.hpp"

namespace herald {
namespace asio = boost::asio;
using redis::Reply;
using redis::Result;

namespace {

std::optional<std::uint64_t> parse_offset(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Why a script answer is not what herald expects, for the caller's error.
std::string problem_of(const Result& result) {
  if (!result.ok) return result.error;
  if (result.reply.is_error()) return "redis: " + result.reply.text;
  return "redis: unexpected answer";
}

// A stream entry [id, [field, value, ...]] of `channel` at `epoch` as a message; nullptr when malformed.
MessagePtr message_of(const std::string& channel, const std::string& epoch, const Reply& entry) {
  if (!entry.is_array() || entry.elements.size() != 2 || !entry.elements[1].is_array()) return nullptr;
  const std::string& id = entry.elements[0].text;
  auto offset = parse_offset(std::string_view(id).substr(0, id.find('-')));
  std::optional<std::int64_t> time;
  const std::string* event = nullptr;
  const std::string* data = nullptr;
  const auto& fields = entry.elements[1].elements;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& name = fields[i].text;
    if (name == "t") time = parse_integer(fields[i + 1].text);
    if (name == "e") event = &fields[i + 1].text;
    if (name == "d") data = &fields[i + 1].text;
  }
  if (!offset || !time || event == nullptr || data == nullptr) return nullptr;
  return make_message(channel, epoch, *offset, *time, *event, *data);
}

// A pub/sub payload "epoch\noffset\ntime\nevent\ndata" of `channel` as a message; nullptr when malformed.
MessagePtr message_of_payload(std::string_view channel, std::string_view payload) {
  std::string_view parts[4];
  std::size_t at = 0;
  for (auto& part : parts) {
    std::size_t end = payload.find('\n', at);
    if (end == std::string_view::npos) return nullptr;
    part = payload.substr(at, end - at);
    at = end + 1;
  }
  auto offset = parse_offset(parts[1]);
  auto time = parse_integer(parts[2]);
  if (!offset || !time || parts[0].empty()) return nullptr;
  return make_message(std::string(channel), std::string(parts[0]), *offset, *time, std::string(parts[3]),
                      payload.substr(at));
}

}  // namespace

RedisEngine::RedisEngine(std::vector<asio::any_io_executor> executors, const EngineConfig& config)
    : executors_(std::move(executors)),
      config_(config),
      history_policy_(config_.channels),
      workers_(executors_.size()) {
  if (executors_.empty() || executors_.size() > kMaxWorkers)
    throw std::invalid_argument("the redis engine needs 1 to 64 workers");
  std::string problem;
  auto endpoint = redis::parse_redis_url(config.redis.url, problem);
  if (!endpoint && config.redis.cluster.empty()) throw std::invalid_argument("engine.url: " + problem);
  if (endpoint) endpoint_ = *endpoint;
  redis::Timeouts timeouts{config.redis.connect_timeout, config.redis.command_timeout};
  std::random_device seed;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    auto worker = static_cast<WorkerId>(i);
    std::function<void()> on_change = [this, worker] { on_router_change(worker); };
    workers_[i].router =
        std::make_unique<redis::Router>(executors_[i], endpoint_, seeds(), timeouts, on_change);
    workers_[i].random.seed(seed());
    all_workers_ |= std::uint64_t{1} << i;
  }
  liveness_timer_ = std::make_unique<asio::steady_timer>(executors_[kSubscriberWorker]);
  for (int i = 0; i < 2; ++i) node_base_ += new_epoch(workers_[kSubscriberWorker].random);
}

std::vector<redis::Endpoint> RedisEngine::seeds() const {
  std::vector<redis::Endpoint> nodes;
  for (const auto& node : config_.redis.cluster) {
    auto parsed = redis::parse_host_port(node, endpoint_);
    if (!parsed) throw std::invalid_argument("engine.cluster: \"" + node + "\" is not HOST:PORT");
    nodes.push_back(*parsed);
  }
  return nodes;
}

RedisEngine::~RedisEngine() = default;

std::string RedisEngine::description() const {
  std::string where = endpoint_.to_string();
  if (!config_.redis.cluster.empty()) {
    where = "the redis cluster of";
    for (const auto& node : config_.redis.cluster) where += " " + node;
  }
  return "redis engine at " + where + " (key prefix \"" + config_.redis.prefix + "\")";
}

void RedisEngine::write_metrics(std::string& out) const {
  std::vector<const prometheus::Histogram*> durations;
  std::uint64_t failures = subscriber_failures_.load(std::memory_order_relaxed);
  for (const auto& worker : workers_) {
    durations.push_back(&worker.router->durations());
    failures += worker.router->failures();
  }
  prometheus::Histogram::write(out, "herald_engine_command_duration_seconds",
                               "Time from sending a command to Redis to its reply.", durations);
  prometheus::header(out, "herald_engine_reconnects_total", "counter",
                     "Connections to Redis lost or not made (each is made again).");
  out += "herald_engine_reconnects_total " + std::to_string(failures) + "\n";
  prometheus::header(out, "herald_presence_dead_nodes_total", "counter",
                     "Dead herald nodes whose presence entries this node removed.");
  out += "herald_presence_dead_nodes_total " + std::to_string(dead_nodes_cleaned_.load()) + "\n";
  prometheus::header(out, "herald_presence_dead_entries_total", "counter",
                     "Presence entries of dead herald nodes this node removed (each with a leave event).");
  out += "herald_presence_dead_entries_total " + std::to_string(dead_entries_removed_.load()) + "\n";
}

void RedisEngine::attach(WorkerId worker, EngineEvents& events) { workers_.at(worker).events = &events; }

void RedisEngine::start() {
  for (WorkerId worker = 0; worker < workers_.size(); ++worker)
    run_on(worker, [this, worker] { workers_[worker].router->start(); });
  run_on(kSubscriberWorker, [this] {
    started_ = true;
    if (!workers_[kSubscriberWorker].router->cluster())
      subscriber_for(workers_[kSubscriberWorker].router->node_of(""));
    schedule_refresh();
  });
}

// Each worker says farewell (its presence removed, redis_presence.cpp) and then stops its router.
void RedisEngine::stop() {
  farewells_left_.store(static_cast<unsigned>(workers_.size()), std::memory_order_release);
  run_on(kSubscriberWorker, [this] {
    started_ = false;
    liveness_timer_->cancel();
    for (auto& [node, subscriber] : subscribers_) subscriber->stop();
  });
  for (WorkerId worker = 0; worker < workers_.size(); ++worker)
    run_on(worker, [this, worker] { farewell(worker); });
}

redis::Subscriber& RedisEngine::subscriber_for(const std::string& node) {
  auto it = subscribers_.find(node);
  if (it != subscribers_.end()) return *it->second;
  redis::Endpoint endpoint = endpoint_;
  if (!config_.redis.cluster.empty()) endpoint = redis::parse_host_port(node, endpoint_).value_or(endpoint_);
  redis::Timeouts timeouts{config_.redis.connect_timeout, config_.redis.command_timeout};
  redis::Subscriber::Events& events = *this;
  auto subscriber =
      std::make_unique<redis::Subscriber>(executors_[kSubscriberWorker], endpoint, timeouts, events);
  redis::Subscriber& made = *subscriber;
  subscribers_.emplace(node, std::move(subscriber));
  if (started_) made.start();
  return made;
}

void RedisEngine::run_script(WorkerId from, const redis::Script& script, std::vector<std::string> params,
                             std::size_t key_count, Completion<Result> done) {
  auto format = [key_count](std::string_view verb, std::string_view body,
                            const std::vector<std::string>& rest) {
    std::string count = std::to_string(key_count);
    std::vector<std::string_view> argv{verb, body, count};
    for (const auto& param : rest) argv.push_back(param);
    return redis::format_command(argv);
  };
  redis::Router& router = *workers_[from].router;
  std::string key = params.front();  // every key of a channel is in its slot
  std::string evalsha = format("EVALSHA", script.sha1, params);
  router.command(key, std::move(evalsha),
                 [&router, &script, format, key, params = std::move(params),
                  done = std::move(done)](Result result) mutable {
                   bool unknown =
                       result.ok && result.reply.is_error() && result.reply.text.starts_with("NOSCRIPT");
                   if (!unknown) return std::move(done)(std::move(result));
                   router.command(key, format("EVAL", script.source, params), std::move(done));  // loads it
                 });
}

void RedisEngine::publish(WorkerId from, PublishRequest request, PublishCompletion done) {
  const ChannelLimits& limits = config_.channels;
  HistoryLimits history = history_policy_.limits_of(request.channel);
  redis::ChannelKeys keys = redis::keys_of(config_.redis.prefix, request.channel);
  std::string window = request.idempotency_key.empty()
                           ? "0"
                           : std::to_string(std::max<std::int64_t>(limits.idempotency_window_ms, 1));
  std::vector<std::string> params{keys.meta,
                                  keys.stream,
                                  keys.idempotency_prefix + request.idempotency_key,
                                  new_epoch(workers_[from].random),
                                  std::to_string(now_unix_ms()),
                                  std::move(request.event),
                                  std::move(request.data_json),
                                  std::to_string(history.size),
                                  std::to_string(history.ttl_ms),
                                  std::to_string(std::max<std::int64_t>(limits.channel_idle_ms, 1)),
                                  std::move(window),
                                  keys.topic};
  run_script(from, redis::publish_script(), std::move(params), 3,
             [done = std::move(done)](Result result) mutable {
               PublishOutcome outcome;
               const auto& answer = result.reply.elements;
               std::optional<Cursor> cursor;
               if (result.ok && result.reply.is_array() && answer.size() == 2)
                 cursor = parse_cursor(answer[0].text);
               if (!cursor) {
                 outcome.status = EngineStatus::unavailable;
                 outcome.error = problem_of(result);
               } else {
                 outcome.cursor = *cursor;
                 outcome.duplicate = answer[1].integer == 1;
               }
               std::move(done)(std::move(outcome));
             });
}

void RedisEngine::history(WorkerId from, HistoryRequest request, HistoryCompletion done) {
  const ChannelLimits& limits = config_.channels;
  HistoryLimits history = history_policy_.limits_of(request.channel);
  redis::ChannelKeys keys = redis::keys_of(config_.redis.prefix, request.channel);
  std::string mode = "newest", since_epoch, since_offset = "0";
  if (request.since) {
    mode = request.since->cursor ? "since" : "unusable";
    if (request.since->cursor) {
      since_epoch = request.since->cursor->epoch;
      since_offset = std::to_string(request.since->cursor->offset);
    }
  }
  std::vector<std::string> params{keys.meta,
                                  keys.stream,
                                  new_epoch(workers_[from].random),
                                  mode,
                                  since_epoch,
                                  since_offset,
                                  std::to_string(request.limit),
                                  std::to_string(now_unix_ms()),
                                  std::to_string(history.ttl_ms),
                                  std::to_string(std::max<std::int64_t>(limits.channel_idle_ms, 1)),
                                  request.since_time_ms > 0 ? std::to_string(request.since_time_ms) : ""};
  run_script(from, redis::history_script(), std::move(params), 2,
             [request = std::move(request), done = std::move(done)](Result result) mutable {
               HistoryOutcome outcome;
               const auto& answer = result.reply.elements;
               bool shaped =
                   result.ok && result.reply.is_array() && answer.size() == 5 && answer[4].is_array();
               if (!shaped) {
                 outcome.status = EngineStatus::unavailable;
                 outcome.error = problem_of(result);
                 return std::move(done)(std::move(outcome));
               }
               const std::string& epoch = answer[0].text;
               const auto top = static_cast<std::uint64_t>(answer[1].integer);
               const auto before = static_cast<std::uint64_t>(answer[2].integer);
               for (const auto& entry : answer[4].elements) {
                 MessagePtr message = message_of(request.channel, epoch, entry);
                 if (!message) {
                   outcome = HistoryOutcome{
                       EngineStatus::unavailable, "redis: a malformed history entry", {}, {}, {}, false};
                   return std::move(done)(std::move(outcome));
                 }
                 outcome.messages.push_back(std::move(message));
               }
               if (!request.since) {
                 outcome.cursor = Cursor{epoch, top};
               } else {
                 Cursor from{epoch, before};
                 if (answer[3].integer == 1) outcome.gap = Gap{request.channel, request.since->text, from};
                 outcome.cursor = outcome.messages.empty() ? from : outcome.messages.back()->cursor();
                 outcome.more = outcome.cursor.offset < top;
               }
               std::move(done)(std::move(outcome));
             });
}

void RedisEngine::watch(WorkerId worker, std::string channel, WatchCompletion done) {
  run_on(kSubscriberWorker, [this, worker, channel = std::move(channel), done = std::move(done)]() mutable {
    watch_on_subscriber(worker, std::move(channel), std::move(done));
  });
}

void RedisEngine::watch_on_subscriber(WorkerId worker, std::string channel, WatchCompletion done) {
  if (!watchable_.load(std::memory_order_relaxed)) {
    std::string reason = "redis " + endpoint_.to_string() + " is unreachable";
    return complete_on(worker, std::move(done), WatchOutcome{EngineStatus::unavailable, std::move(reason)});
  }
  auto [it, inserted] = topics_.try_emplace(channel);
  Topic& topic = it->second;
  topic.watchers |= std::uint64_t{1} << worker;
  if (topic.subscribed) return complete_on(worker, std::move(done), WatchOutcome{});
  topic.waiting.push_back(Waiting{worker, std::move(done)});
  if (inserted) {
    watched_.store(topics_.size(), std::memory_order_relaxed);
    subscribe_topic(channel, topic);
  }
}

void RedisEngine::subscribe_topic(const std::string& channel, Topic& topic) {
  std::string name = redis::keys_of(config_.redis.prefix, channel).topic;
  topic.node = workers_[kSubscriberWorker].router->node_of(name);
  if (topic.node.empty()) return;  // the slot table is not known: the next topology change subscribes it
  subscriber_for(topic.node).subscribe(name);
}

void RedisEngine::unwatch(WorkerId worker, std::string channel) {
  run_on(kSubscriberWorker,
         [this, worker, channel = std::move(channel)] { unwatch_on_subscriber(worker, channel); });
}

void RedisEngine::unwatch_on_subscriber(WorkerId worker, const std::string& channel) {
  auto it = topics_.find(channel);
  if (it == topics_.end()) return;
  it->second.watchers &= ~(std::uint64_t{1} << worker);
  if (it->second.watchers != 0 || !it->second.waiting.empty()) return;
  if (!it->second.node.empty())
    subscriber_for(it->second.node).unsubscribe(redis::keys_of(config_.redis.prefix, channel).topic);
  topics_.erase(it);
  watched_.store(topics_.size(), std::memory_order_relaxed);
}

void RedisEngine::on_subscribed(redis::Subscriber&, const std::string& topic_name) {
  std::string channel(redis::channel_of_topic(config_.redis.prefix, topic_name));
  auto it = topics_.find(channel);
  if (it == topics_.end()) return;
  Topic& topic = it->second;
  topic.subscribed = true;
  for (auto& waiting : topic.waiting) complete_on(waiting.worker, std::move(waiting.done), WatchOutcome{});
  topic.waiting.clear();
  if (topic.resubscribing) {
    // The connection was lost: whatever was published meanwhile reached nobody. Now that messages flow
    // again, every watching worker checks the channel's position and reads back what it missed.
    topic.resubscribing = false;
    for (std::uint64_t bits = topic.watchers; bits != 0; bits &= bits - 1) {
      auto worker = static_cast<WorkerId>(__builtin_ctzll(bits));
      run_on(worker, [events = workers_[worker].events, channel] { events->on_position_check(channel); });
    }
  }
  if (topic.watchers == 0) unwatch_on_subscriber(kSubscriberWorker, channel);
}

void RedisEngine::on_message(redis::Subscriber&, const std::string& topic_name, std::string payload) {
  std::string_view channel = redis::channel_of_topic(config_.redis.prefix, topic_name);
  auto it = topics_.find(std::string(channel));
  if (it == topics_.end() || it->second.watchers == 0) return;
  if (redis::is_presence_frame(payload)) return on_presence_frame(it->second, channel, payload);
  MessagePtr message = message_of_payload(channel, payload);
  if (!message) {
    spdlog::warn("redis: a malformed message on {}; the position checks read it from history", topic_name);
    return;
  }
  for (std::uint64_t bits = it->second.watchers; bits != 0; bits &= bits - 1) {
    auto worker = static_cast<WorkerId>(__builtin_ctzll(bits));
    run_on(worker, [events = workers_[worker].events, message] { events->on_message(message); });
  }
}

void RedisEngine::on_subscriber_state(redis::Subscriber& subscriber, bool up) {
  if (!up) subscriber_failures_.fetch_add(1, std::memory_order_relaxed);
  update_readiness();
  if (up) {
    spdlog::info("redis {}: pub/sub connected", subscriber.endpoint().to_string());
    return;
  }
  std::string node;
  for (const auto& [name, each] : subscribers_)
    if (each.get() == &subscriber) node = name;
  std::string reason = "redis " + subscriber.endpoint().to_string() + " is unreachable";
  for (auto it = topics_.begin(); it != topics_.end();) {
    if (it->second.node != node) {
      ++it;
      continue;
    }
    lost_subscription(it->first, it->second, reason);
    if (it->second.watchers == 0) {
      subscriber.unsubscribe(redis::keys_of(config_.redis.prefix, it->first).topic);
      it = topics_.erase(it);
    } else {
      ++it;
    }
  }
  watched_.store(topics_.size(), std::memory_order_relaxed);
}

// The subscription of `channel` is gone with its connection or its slot: waiting watches fail (a refused
// watch needs no unwatch), and once subscribed again the watching workers check the channel's position.
void RedisEngine::lost_subscription(const std::string&, Topic& topic, const std::string& reason) {
  for (auto& waiting : topic.waiting) {
    topic.watchers &= ~(std::uint64_t{1} << waiting.worker);
    complete_on(waiting.worker, std::move(waiting.done), WatchOutcome{EngineStatus::unavailable, reason});
  }
  topic.waiting.clear();
  topic.resubscribing = topic.resubscribing || topic.subscribed;
  topic.subscribed = false;
}

void RedisEngine::on_subscriber_error(redis::Subscriber& subscriber, const std::string& error) {
  auto redirection = redis::parse_redirection(error);
  if (!redirection) {
    spdlog::warn("redis {}: a subscription was refused: {}", subscriber.endpoint().to_string(), error);
    return;
  }
  workers_[kSubscriberWorker].router->moved(*redirection);
  on_topology_change();
}

void RedisEngine::on_topology_change() {
  update_readiness();
  redis::Router& router = *workers_[kSubscriberWorker].router;
  if (!router.cluster() || !router.slots().known()) return;
  for (auto& [channel, topic] : topics_) {
    std::string name = redis::keys_of(config_.redis.prefix, channel).topic;
    std::string owner = router.node_of(name);
    if (owner == topic.node) continue;
    if (!topic.node.empty()) subscriber_for(topic.node).unsubscribe(name);
    lost_subscription(channel, topic, "the channel's slot moved to " + owner);
    topic.node = owner;
    subscriber_for(owner).subscribe(name);
  }
}

void RedisEngine::on_router_change(WorkerId worker) {
  const std::uint64_t bit = std::uint64_t{1} << worker;
  if (workers_[worker].router->up())
    routers_up_.fetch_or(bit, std::memory_order_relaxed);
  else
    routers_up_.fetch_and(~bit, std::memory_order_relaxed);
  if (worker == kSubscriberWorker) on_topology_change();
}

void RedisEngine::update_readiness() {
  redis::Router& router = *workers_[kSubscriberWorker].router;
  bool up = router.up();
  for (const auto& [node, subscriber] : subscribers_)
    if (subscriber->has_topics() || !router.cluster()) up = up && subscriber->up();
  watchable_.store(up, std::memory_order_relaxed);
}

}  // namespace herald
