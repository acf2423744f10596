// Memory engine (see memory_engine.hpp).
#include "engine/memory/memory_engine.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "core/clock.hpp"
#include "engine/new_epoch.hpp"

namespace herald {
namespace asio = boost::asio;
namespace {
constexpr const char* kChannelLimitReached = "channel limit reached (history.max_channels)";

// A batch on its way through the shards it touches: each shard fills the outcomes of its own requests,
// and the last one done completes the batch.
struct ShardedBatch {
  std::vector<PublishRequest> requests;
  std::vector<PublishOutcome> outcomes;
  std::atomic<std::size_t> shards_left{0};
  PublishBatchCompletion done;
};
}  // namespace

MemoryEngine::Shard::Shard(const asio::any_io_executor& executor, const MemoryEngineConfig& config)
    : idempotency(config.idempotency_window_ms, config.idempotency_max_entries),
      sweep_timer(executor),
      random(std::random_device{}()) {}

MemoryEngine::MemoryEngine(std::vector<asio::any_io_executor> executors, MemoryEngineConfig config)
    : executors_(std::move(executors)),
      events_(executors_.size(), nullptr),
      config_(config),
      history_policy_(config_) {
  if (executors_.empty() || executors_.size() > kMaxWorkers)
    throw std::invalid_argument("the memory engine needs 1 to 64 workers");
  for (const auto& executor : executors_) shards_.push_back(std::make_unique<Shard>(executor, config_));
}

MemoryEngine::~MemoryEngine() = default;

WorkerId MemoryEngine::owner_of(const std::string& channel) const {
  return static_cast<WorkerId>(std::hash<std::string>{}(channel) % shards_.size());
}

template <typename Function>
void MemoryEngine::run_on(WorkerId worker, Function&& function) {
  asio::post(executors_[worker], std::forward<Function>(function));
}

template <typename Completion, typename Outcome>
void MemoryEngine::complete_on(WorkerId worker, Completion done, Outcome outcome) {
  run_on(worker, [done = std::move(done), outcome = std::move(outcome)]() mutable {
    std::move(done)(std::move(outcome));
  });
}

void MemoryEngine::attach(WorkerId worker, EngineEvents& events) { events_.at(worker) = &events; }

template <typename Function>
void MemoryEngine::run_as_owner(WorkerId caller, WorkerId owner, Function&& function) {
  // The caller runs on its worker's thread: when that worker owns the shard, no hop is needed. Calls
  // from one worker still take effect in the order made, since all of them are then immediate.
  if (caller == owner)
    function();
  else
    run_on(owner, std::forward<Function>(function));
}

MemoryEngine::Channel* MemoryEngine::find_or_create(Shard& shard, const std::string& name,
                                                    std::int64_t now_ms) {
  auto it = shard.channels.find(name);
  if (it == shard.channels.end()) {
    if (channel_count_.load(std::memory_order_relaxed) >= config_.max_channels) return nullptr;
    HistoryLimits history = history_policy_.limits_of(name);
    Channel channel{new_epoch(shard.random), 0, HistoryRing(history.size, history.ttl_ms), 0, now_ms, {}};
    it = shard.channels.emplace(name, std::move(channel)).first;
    channel_count_.fetch_add(1, std::memory_order_relaxed);
  }
  it->second.last_active_ms = now_ms;
  return &it->second;
}

void MemoryEngine::publish(WorkerId from, PublishRequest request, PublishCompletion done) {
  WorkerId owner = owner_of(request.channel);
  run_as_owner(from, owner,
               [this, from, owner, request = std::move(request), done = std::move(done)]() mutable {
                 complete_on(from, std::move(done), publish_on_owner(*shards_[owner], request));
               });
}

void MemoryEngine::publish_batch(WorkerId from, std::vector<PublishRequest> requests,
                                 PublishBatchCompletion done) {
  if (requests.empty()) throw std::invalid_argument("publish_batch needs at least one request");
  std::vector<std::vector<std::size_t>> by_owner(shards_.size());
  for (std::size_t i = 0; i < requests.size(); ++i) by_owner[owner_of(requests[i].channel)].push_back(i);
  auto batch = std::make_shared<ShardedBatch>();
  batch->outcomes.resize(requests.size());
  batch->requests = std::move(requests);
  batch->done = std::move(done);
  batch->shards_left = static_cast<std::size_t>(
      std::count_if(by_owner.begin(), by_owner.end(), [](const auto& indices) { return !indices.empty(); }));
  for (WorkerId owner = 0; owner < by_owner.size(); ++owner) {
    if (by_owner[owner].empty()) continue;
    run_as_owner(from, owner, [this, from, owner, batch, indices = std::move(by_owner[owner])] {
      for (std::size_t i : indices)
        batch->outcomes[i] = publish_on_owner(*shards_[owner], batch->requests[i]);
      if (batch->shards_left.fetch_sub(1, std::memory_order_acq_rel) == 1)
        complete_on(from, std::move(batch->done), std::move(batch->outcomes));
    });
  }
}

PublishOutcome MemoryEngine::publish_on_owner(Shard& shard, PublishRequest& request) {
  std::int64_t now = now_unix_ms();
  PublishOutcome outcome;
  if (!request.idempotency_key.empty()) {
    if (auto earlier = shard.idempotency.find(request.channel, request.idempotency_key, now)) {
      outcome.cursor = *earlier;
      outcome.duplicate = true;
      return outcome;
    }
  }
  Channel* channel = find_or_create(shard, request.channel, now);
  if (channel == nullptr) {
    outcome.status = EngineStatus::rejected;
    outcome.error = kChannelLimitReached;
    return outcome;
  }
  channel->ring.trim(now);
  auto message = make_message(request.channel, channel->epoch, channel->last_offset + 1, now,
                              std::move(request.event), request.data_json);
  channel->last_offset = message->offset;
  channel->ring.append(message);
  outcome.cursor = message->cursor();
  if (!request.idempotency_key.empty())
    shard.idempotency.remember(request.channel, request.idempotency_key, outcome.cursor, now);
  fan_out(*channel, message);
  return outcome;
}

void MemoryEngine::fan_out(const Channel& channel, const MessagePtr& message) {
  for (std::uint64_t watchers = channel.watchers; watchers != 0; watchers &= watchers - 1) {
    auto worker = static_cast<WorkerId>(__builtin_ctzll(watchers));
    run_on(worker, [events = events_[worker], message] { events->on_message(message); });
  }
}

void MemoryEngine::history(WorkerId from, HistoryRequest request, HistoryCompletion done) {
  WorkerId owner = owner_of(request.channel);
  run_as_owner(from, owner,
               [this, from, owner, request = std::move(request), done = std::move(done)]() mutable {
                 complete_on(from, std::move(done), history_on_owner(*shards_[owner], request));
               });
}

HistoryOutcome MemoryEngine::history_on_owner(Shard& shard, const HistoryRequest& request) {
  std::int64_t now = now_unix_ms();
  Channel* channel = find_or_create(shard, request.channel, now);
  if (channel == nullptr)
    return HistoryOutcome{EngineStatus::rejected, kChannelLimitReached, {}, {}, {}, false};
  channel->ring.trim(now);
  const std::uint64_t top = channel->last_offset;
  // Retained messages are the offsets [first, top]; a position in [first - 1, top] resumes without loss.
  const std::uint64_t first = channel->ring.empty() ? top + 1 : channel->ring.first_offset();

  HistoryOutcome outcome;
  Cursor from{channel->epoch, top};
  if (!request.since) {
    outcome.messages = channel->ring.newest(request.limit);
    outcome.cursor = from;
    return outcome;
  }
  const auto& since = request.since->cursor;
  bool resumable =
      since && since->epoch == channel->epoch && since->offset <= top && since->offset + 1 >= first;
  if (resumable) {
    from.offset = since->offset;
  } else {
    from.offset = first - 1;
    outcome.gap = Gap{request.channel, request.since->text, from};
  }
  outcome.messages = channel->ring.after(from.offset, request.limit);
  outcome.cursor = outcome.messages.empty() ? from : outcome.messages.back()->cursor();
  outcome.more = outcome.cursor.offset < top;
  return outcome;
}

void MemoryEngine::watch(WorkerId worker, std::string channel, WatchCompletion done) {
  WorkerId owner = owner_of(channel);
  run_as_owner(worker, owner,
               [this, worker, owner, channel = std::move(channel), done = std::move(done)]() mutable {
                 WatchOutcome outcome;
                 if (Channel* state = find_or_create(*shards_[owner], channel, now_unix_ms()))
                   state->watchers |= std::uint64_t{1} << worker;
                 else
                   outcome = WatchOutcome{EngineStatus::rejected, kChannelLimitReached};
                 // Posted from the owner after the watcher bit is set: it reaches the worker before any
                 // message published from now on.
                 complete_on(worker, std::move(done), std::move(outcome));
               });
}

void MemoryEngine::unwatch(WorkerId worker, std::string channel) {
  WorkerId owner = owner_of(channel);
  run_as_owner(worker, owner, [this, worker, owner, channel = std::move(channel)] {
    auto& channels = shards_[owner]->channels;
    auto it = channels.find(channel);
    if (it == channels.end()) return;
    it->second.watchers &= ~(std::uint64_t{1} << worker);
    it->second.last_active_ms = now_unix_ms();
  });
}

PresenceClients MemoryEngine::Presence::list() const {
  PresenceClients clients;
  clients.reserve(by_order.size());
  for (const auto& [order, client] : by_order) clients.push_back(client);
  return clients;
}

void MemoryEngine::fan_out(const Channel& channel, const PresenceEvent& event) {
  for (std::uint64_t watchers = channel.watchers; watchers != 0; watchers &= watchers - 1) {
    auto worker = static_cast<WorkerId>(__builtin_ctzll(watchers));
    run_on(worker, [events = events_[worker], event] { events->on_presence(event); });
  }
}

void MemoryEngine::join(WorkerId from, std::string channel, PresenceClient client, PresenceCompletion done) {
  WorkerId owner = owner_of(channel);
  run_as_owner(
      from, owner,
      [this, from, owner, channel = std::move(channel), client = std::move(client),
       done = std::move(done)]() mutable {
        Channel* state = find_or_create(*shards_[owner], channel, now_unix_ms());
        if (state == nullptr)
          return complete_on(from, std::move(done),
                             PresenceOutcome{EngineStatus::rejected, kChannelLimitReached, {}});
        Presence& presence = state->presence;
        auto known = presence.order_of.find(client.id);
        if (known != presence.order_of.end()) {  // the same client again: new details, same place, no event
          presence.by_order[known->second] = std::move(client);
        } else {
          std::uint64_t order = presence.next_order++;
          presence.order_of.emplace(client.id, order);
          presence.by_order.emplace(order, client);
          fan_out(*state, PresenceEvent{channel, PresenceChange::join, std::move(client)});
        }
        complete_on(from, std::move(done), PresenceOutcome{EngineStatus::ok, {}, presence.list()});
      });
}

void MemoryEngine::leave(WorkerId from, std::string channel, std::string client_id) {
  WorkerId owner = owner_of(channel);
  run_as_owner(from, owner, [this, owner, channel = std::move(channel), client_id = std::move(client_id)] {
    auto& channels = shards_[owner]->channels;
    auto it = channels.find(channel);
    if (it == channels.end()) return;
    Presence& presence = it->second.presence;
    auto known = presence.order_of.find(client_id);
    if (known == presence.order_of.end()) return;
    auto entry = presence.by_order.find(known->second);
    PresenceEvent event{channel, PresenceChange::leave, std::move(entry->second)};
    presence.by_order.erase(entry);
    presence.order_of.erase(known);
    it->second.last_active_ms = now_unix_ms();
    fan_out(it->second, event);
  });
}

void MemoryEngine::presence(WorkerId from, std::string channel, PresenceCompletion done) {
  WorkerId owner = owner_of(channel);
  run_as_owner(from, owner,
               [this, from, owner, channel = std::move(channel), done = std::move(done)]() mutable {
                 auto& channels = shards_[owner]->channels;
                 auto it = channels.find(channel);
                 PresenceOutcome outcome;
                 if (it != channels.end()) outcome.clients = it->second.presence.list();
                 complete_on(from, std::move(done), std::move(outcome));
               });
}

void MemoryEngine::start() {
  for (WorkerId worker = 0; worker < shards_.size(); ++worker) schedule_sweep(worker);
}

void MemoryEngine::stop() {
  stopped_ = true;
  for (WorkerId worker = 0; worker < shards_.size(); ++worker)
    run_on(worker, [this, worker] { shards_[worker]->sweep_timer.cancel(); });
}

void MemoryEngine::schedule_sweep(WorkerId worker) {
  Shard& shard = *shards_[worker];
  shard.sweep_timer.expires_after(std::chrono::seconds(1));
  shard.sweep_timer.async_wait([this, worker](boost::system::error_code error) {
    if (error || stopped_) return;
    sweep(*shards_[worker]);
    schedule_sweep(worker);
  });
}

void MemoryEngine::sweep(Shard& shard) {
  std::int64_t now = now_unix_ms();
  shard.idempotency.expire(now);
  for (auto it = shard.channels.begin(); it != shard.channels.end();) {
    Channel& channel = it->second;
    channel.ring.trim(now);
    bool idle = channel.watchers == 0 && channel.ring.empty() && channel.presence.by_order.empty() &&
                now - channel.last_active_ms > config_.channel_idle_ms;
    if (idle) {
      it = shard.channels.erase(it);
      channel_count_.fetch_sub(1, std::memory_order_relaxed);
    } else {
      ++it;
    }
  }
}

}  // namespace herald
