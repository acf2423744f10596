// The pub/sub connection of one node to one Redis server (one shard of a cluster): it keeps a set of
// sharded topics subscribed (SSUBSCRIBE), tells its owner when each subscription is confirmed and
// hands on the messages; after a lost connection it reconnects and subscribes the whole set again. A
// PING every command timeout proves the connection alive, since a subscribed connection may otherwise be
// silent for long.
#pragma once
#include <boost/asio/steady_timer.hpp>
#include <string>
#include <unordered_map>

#include "engine/redis/redis_link.hpp"

namespace herald::redis {

class Subscriber final : private Link::Owner {
 public:
  class Events {
   public:
    // `topic` is subscribed (again, after a reconnect): messages published from now on arrive.
    virtual void on_subscribed(Subscriber& subscriber, const std::string& topic) = 0;
    virtual void on_message(Subscriber& subscriber, const std::string& topic, std::string payload) = 0;
    // The connection came up or went down (subscriptions wait for it to come back).
    virtual void on_subscriber_state(Subscriber& subscriber, bool up) = 0;
    // The server refused a command (on a cluster: -MOVED for a slot this node no longer serves).
    virtual void on_subscriber_error(Subscriber& subscriber, const std::string& error) = 0;

   protected:
    ~Events() = default;
  };

  Subscriber(boost::asio::any_io_executor executor, Endpoint endpoint, Timeouts timeouts, Events& events);
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  void start() { link_.start(); }
  void stop();
  bool up() const { return link_.up(); }
  const Endpoint& endpoint() const { return link_.endpoint(); }
  std::uint64_t failures() const { return link_.failures(); }

  void subscribe(const std::string& topic);
  void unsubscribe(const std::string& topic);
  bool has_topics() const { return !topics_.empty(); }

 private:
  struct Topic {
    bool wanted = false;
    int unconfirmed = 0;  // SSUBSCRIBE and SUNSUBSCRIBE commands sent and not yet confirmed
  };

  void on_link_up() override;
  void on_link_down(const std::string& reason) override;
  void on_reply(Reply reply) override;
  void on_confirmation(const std::string& topic, bool subscribed);
  void on_error(const std::string& error);
  void send(const char* command, const std::string& topic);
  void ping_soon();

  Link link_;
  Events& events_;
  std::unordered_map<std::string, Topic> topics_;
  boost::asio::steady_timer ping_timer_;
  bool ping_unanswered_ = false;
};

}  // namespace herald::redis
