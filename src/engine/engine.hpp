// The engine contract: where channels live. An engine gives each published message the next offset of
// its channel, keeps a bounded history, and reports the messages of watched channels to the worker
// threads that watch them. The memory engine (engine/memory/) keeps channels in this process; an engine
// over the network (Redis) shares them between herald nodes. The hub and the transports never know
// which engine runs.
//
// What every engine guarantees (tests/unit/engine/engine_contract_test.cpp checks it for each one):
//
// Offsets and epochs. The messages of one channel get offsets 1, 2, 3, … in the one order the engine
//   accepted them, the same for every worker and every node. An epoch names one unbroken run of offsets:
//   whenever a channel's history is lost as a whole (a memory engine restarted, an idle channel freed, a
//   key evicted), the channel continues under a new epoch, so a cursor of the old epoch resumes with a gap,
//   never with a silent hole.
// History. `history` creates the channel if it does not exist yet (so its cursor has an epoch) and answers
//   from the retained messages. A `since` inside the retained range, from just before the oldest retained
//   message to the newest, gives the messages after it and no gap; any other `since` (too old, another
//   epoch, ahead of the channel, not a cursor) gives a gap that continues from just before the oldest
//   retained message. At most `limit` messages come back, oldest first; `limit = 0` returns none, only
//   `cursor`, the channel's current position. `more` says that messages after `cursor` exist already.
// Live delivery. Once `watch` has completed with `ok`, each message published on the channel is reported
//   to the watching worker's EngineEvents::on_message, in offset order, at most once. A history read
//   started after the watch completed misses nothing that the live path does not deliver. An engine whose
//   live path may lose messages (a network link) says how often hubs should check the position of the
//   channels they watch (position_check_interval), and reports on_position_check when it knows a
//   channel may have missed messages (after reconnecting), so the last message of a burst is noticed
//   without waiting for the next one. An engine whose interval is zero loses none, and reports a channel's
//   live messages and the answers to a worker's history reads of it in the order they took effect (the
//   memory engine: both come from the channel's shard, in its order); hubs rely on that to know the head
//   of each channel they watch.
// Batches. `publish_batch` publishes several messages as one operation: each gets what `publish` would
//   have given it, and the messages of one channel take offsets in the order of the batch.
// Presence. `join` adds a client to a channel's presence (replacing an entry with the same id) and
//   completes with everyone present after it; `leave` removes it; both report a PresenceEvent to every
//   worker watching the channel (a join that only replaced an entry reports nothing). A channel with
//   anyone present is not freed as idle.
// Threads. Every completion and every event for a worker runs on that worker's thread, never inside the
//   call that started the operation. Operations started from one worker take effect in the order made.
// Failures. An operation that cannot be served completes with `rejected` (the request is refused and
//   would be again, such as a new channel over the channel limit) or `unavailable` (the engine cannot
//   serve anything now, such as a lost connection: try again later), with a message that says why. A
//   failed watch delivers nothing and needs no unwatch.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/gap.hpp"
#include "core/presence.hpp"
#include "core/publish.hpp"
#include "engine/completion.hpp"
#include "protocol/encoded_message.hpp"

namespace herald {

using WorkerId = unsigned;
// Workers are numbered 0 to kMaxWorkers - 1, so an engine can keep the set of workers watching a channel
// in one 64-bit word (the memory engine does).
inline constexpr unsigned kMaxWorkers = 64;

enum class EngineStatus { ok, rejected, unavailable };

struct PublishOutcome : PublishResult {
  EngineStatus status = EngineStatus::ok;
  std::string error;  // why, when not ok
};

struct HistoryRequest {
  std::string channel;
  std::optional<ResumePoint> since;  // nullopt: the newest `limit` messages
  std::size_t limit = 100;
  // The time of the message at `since` as a feed delivered it (0: unknown; never from a client). An engine
  // whose store can go back (Redis losing its last writes) checks it: a different message there means the
  // channel took new messages under offsets already delivered, and it starts again under a new epoch, which
  // every subscriber sees as a gap.
  std::int64_t since_time_ms = 0;
};

struct HistoryOutcome {
  EngineStatus status = EngineStatus::ok;
  std::string error;
  std::vector<MessagePtr> messages;  // oldest first
  std::optional<Gap> gap;            // set when `since` could not be resumed without loss
  Cursor cursor;                     // the position after `messages`
  bool more = false;                 // more messages follow `cursor` already
};

struct WatchOutcome {
  EngineStatus status = EngineStatus::ok;
  std::string error;
};

struct PresenceOutcome {
  EngineStatus status = EngineStatus::ok;
  std::string error;
  PresenceClients clients;  // in the order they joined
};

using PublishCompletion = Completion<PublishOutcome>;
using PublishBatchCompletion = Completion<std::vector<PublishOutcome>>;
using PresenceCompletion = Completion<PresenceOutcome>;
using HistoryCompletion = Completion<HistoryOutcome>;
using WatchCompletion = Completion<WatchOutcome>;

// What an engine reports to one worker, always on that worker's thread.
class EngineEvents {
 public:
  // A message published on a channel this worker watches.
  virtual void on_message(const MessagePtr& message) = 0;
  // The live path of a watched channel may have lost messages: check its position now.
  virtual void on_position_check(const std::string& channel) = 0;
  // Someone joined or left the presence of a channel this worker watches.
  virtual void on_presence(const PresenceEvent& event) = 0;

 protected:
  ~EngineEvents() = default;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // Where the engine reports the events of `worker`. Every worker attaches once, before start().
  virtual void attach(WorkerId worker, EngineEvents& events) = 0;
  virtual void start() = 0;
  // Ends background work (timers, connections); operations already started may still complete.
  virtual void stop() = 0;
  // The last work stop() started (an engine over the network removing this node's presence) is done:
  // the server keeps the workers running until then, for a bounded time.
  virtual bool finished() const { return true; }

  virtual void publish(WorkerId from, PublishRequest request, PublishCompletion done) = 0;
  // Publishes each of `requests` (at least one) as publish() would and completes once with one outcome
  // per request, in their order; the messages of one channel take offsets in the order of the batch.
  // The requests are independent: one refused does not stop the others. This default starts every
  // publish at once (an engine over the network sends them in one go); an engine may serve the whole
  // batch in fewer steps.
  virtual void publish_batch(WorkerId from, std::vector<PublishRequest> requests,
                             PublishBatchCompletion done);
  virtual void history(WorkerId from, HistoryRequest request, HistoryCompletion done) = 0;
  // From the completion on (until unwatch), report every message published on `channel` to `worker`.
  virtual void watch(WorkerId worker, std::string channel, WatchCompletion done) = 0;
  virtual void unwatch(WorkerId worker, std::string channel) = 0;

  virtual void join(WorkerId from, std::string channel, PresenceClient client, PresenceCompletion done) = 0;
  virtual void leave(WorkerId from, std::string channel, std::string client_id) = 0;
  virtual void presence(WorkerId from, std::string channel, PresenceCompletion done) = 0;

  // How often hubs check the position of each channel they watch; zero when the live path never loses
  // a message.
  virtual std::chrono::milliseconds position_check_interval() const = 0;
  // Whether the engine can serve requests now (readiness).
  virtual bool ready() const = 0;
  // What the startup log says about the engine, e.g. "memory engine".
  virtual std::string description() const = 0;
  // Channels this engine holds (for metrics).
  virtual std::size_t channel_count() const = 0;
  // Appends the engine's own metrics (Prometheus text); called from any thread.
  virtual void write_metrics(std::string&) const {}
};

}  // namespace herald
