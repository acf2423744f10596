// The hub of one worker thread: which local subscribers listen to which channel. It receives the
// engine's events for this worker and hands each message to the channel's subscribers by reference, no
// locks and no copies. The first local subscriber of a channel makes the hub watch it in the engine and
// the last one leaving stops that; subscribers learn when the watch is confirmed, so that they read
// history only once nothing published from then on can be missed. For engines whose live path may lose
// messages, the hub checks the position of every watched channel as often as the engine asks and tells
// the subscribers, which read again what they missed. For engines whose live path never loses one, the
// hub also keeps each watched channel's head, the newest position it knows of: a subscriber that starts
// there needs no history read.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine.hpp"

namespace herald {

class Hub;

// Something that follows one channel through the hub.
class Subscriber {
 public:
  // The engine confirmed the watch (at once, inside Hub::add, when the channel was watched already).
  virtual void on_watching() = 0;
  // The engine refused the watch (`status` says how); the subscriber is no longer in the hub.
  virtual void on_watch_failed(EngineStatus status, const std::string& reason) = 0;
  // A live message of the channel.
  virtual void on_live(const MessagePtr& message) = 0;
  // The channel's current position, from a position check: messages up to it exist. `engine_asked`: the
  // engine asked for the check (its live path was interrupted, e.g. a reconnect): the store may have changed
  // behind the subscriber's back, so it should make sure of its position even if the offset matches.
  virtual void on_position(const Cursor& position, bool engine_asked) = 0;
  // Someone joined or left the channel's presence.
  virtual void on_presence(const PresenceEvent&) {}

 protected:
  ~Subscriber() = default;

 private:
  friend class Hub;
  std::size_t hub_slot_ = 0;  // index in the hub's list for the channel
};

class Hub final : public EngineEvents {
 public:
  // `executor`: the worker's, where deferred work runs.
  Hub(WorkerId worker, Engine& engine, boost::asio::any_io_executor executor)
      : worker_(worker), engine_(engine), executor_(std::move(executor)) {}
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  void add(const std::string& channel, Subscriber& subscriber);
  void remove(const std::string& channel, Subscriber& subscriber);

  // EngineEvents. Subscribers may add or remove subscriptions (their own included) while these run.
  void on_message(const MessagePtr& message) override;
  void on_position_check(const std::string& channel) override;
  void on_presence(const PresenceEvent& event) override;

  // Called a few times a second: checks the positions of watched channels when the engine asks for it.
  void tick(std::chrono::steady_clock::time_point now);

  // The newest position of a watched channel that this hub knows, with every message after it still to
  // come live; nullptr when it knows none (or the engine's live path may lose messages).
  const Cursor* known_head(const std::string& channel) const;
  // A history answer for a watched channel (read after the watch was confirmed): `cursor` is a position
  // the channel had, with nothing after it. The head moves forward to it.
  void note_position(const std::string& channel, const Cursor& cursor);
  // Runs `work` on this worker's thread later, after what is queued now.
  template <typename Work>
  void defer(Work&& work) {
    boost::asio::post(executor_, std::forward<Work>(work));
  }

  std::size_t channel_count() const { return channels_.size(); }
  // Messages the feeds read back from history after the live flow lost them (any thread may read it).
  void count_repaired(std::size_t messages) { repaired_.fetch_add(messages, std::memory_order_relaxed); }
  std::uint64_t repaired() const { return repaired_.load(std::memory_order_relaxed); }
  WorkerId worker() const { return worker_; }
  Engine& engine() { return engine_; }

 private:
  struct Listeners {
    std::vector<Subscriber*> subscribers;  // nullptr: removed while notifying, compacted after it
    std::size_t removed = 0;
    int notifying = 0;           // nested notifications running over `subscribers`
    std::uint64_t watch_id = 0;  // tells this watch's completion from an earlier one of the channel
    bool watching = false;       // the engine confirmed the watch
    bool checking = false;       // a position check is running
    std::optional<Cursor> head;  // see known_head()
  };
  // Whether heads are kept: the engine's live path never loses a message, and it reports each channel's
  // live messages and history answers to a worker in the order they took effect.
  bool keeps_heads() const { return engine_.position_check_interval() == std::chrono::milliseconds::zero(); }
  void advance_head(Listeners& listeners, const Cursor& cursor);
  void start_watch(const std::string& channel, Listeners& listeners);
  void on_watched(const std::string& channel, std::uint64_t watch_id, const WatchOutcome& outcome);
  void check_position(const std::string& channel, bool engine_asked);
  // Calls `notify(subscriber)` for every subscriber the channel has when it starts.
  template <typename Notify>
  void notify_all(const std::string& channel, Notify notify);
  template <typename Notify>
  void notify_listeners(const std::string& channel, Listeners& listeners, Notify notify);
  void compact(Listeners& listeners);
  void forget_if_empty(const std::string& channel);

  WorkerId worker_;
  Engine& engine_;
  boost::asio::any_io_executor executor_;
  std::unordered_map<std::string, Listeners> channels_;
  std::uint64_t last_watch_id_ = 0;
  std::chrono::steady_clock::time_point last_position_check_{};
  std::atomic<std::uint64_t> repaired_{0};
};

}  // namespace herald
