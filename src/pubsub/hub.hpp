// The hub of one worker thread: which local subscribers listen to which channel. Messages reach it
// from the engine on this thread and go to each subscriber by reference, no locks and no copies.
// The first local subscriber of a channel makes the hub watch it in the engine; the last one leaving
// stops that.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine.hpp"
#include "protocol/encoded_message.hpp"

namespace herald {

class Hub;

// Something that receives the live messages of one channel.
class Subscriber {
 public:
  virtual void on_live(const MessagePtr& message) = 0;

 protected:
  ~Subscriber() = default;

 private:
  friend class Hub;
  std::size_t hub_slot_ = 0;  // index in the hub's list for the channel
};

class Hub {
 public:
  Hub(WorkerId worker, Engine& engine) : worker_(worker), engine_(engine) {}
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  void add(const std::string& channel, Subscriber& subscriber);
  void remove(const std::string& channel, Subscriber& subscriber);
  // Hands a message to every local subscriber of its channel. Subscribers may add or remove
  // subscriptions (their own included) while it runs.
  void deliver(const MessagePtr& message);

  std::size_t channel_count() const { return channels_.size(); }
  WorkerId worker() const { return worker_; }
  Engine& engine() { return engine_; }

 private:
  struct Listeners {
    std::vector<Subscriber*> subscribers;  // nullptr: removed during a delivery, compacted after it
    std::size_t removed = 0;
    bool delivering = false;
  };
  void compact(Listeners& listeners);
  void forget_if_empty(const std::string& channel);

  WorkerId worker_;
  Engine& engine_;
  std::unordered_map<std::string, Listeners> channels_;
};

}  // namespace herald
