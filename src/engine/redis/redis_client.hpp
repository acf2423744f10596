// Commands to one Redis server from one worker thread, pipelined over one connection: each command's
// reply completes it, in the order sent. A command sent while the connection is down fails at once. When
// commands wait and Redis has said nothing for the command timeout (no reply since the oldest waiting
// command was sent, or since the last reply), every waiting command fails and the connection is made again.
// A Redis that answers a long pipeline steadily is not taken as dead.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "engine/completion.hpp"
#include "engine/redis/redis_link.hpp"
#include "protocol/prometheus.hpp"

namespace herald::redis {

// A command's outcome: the reply, or why there is none (the connection is down, or timed out).
struct Result {
  bool ok = false;
  Reply reply;        // when ok (it may be an error reply)
  std::string error;  // when not ok
};

class Client final : private Link::Owner {
 public:
  // `on_state(up)` runs whenever the connection comes up or goes down.
  // `durations`, when given, records the time of every command (a histogram shared with other clients).
  Client(boost::asio::any_io_executor executor, Endpoint endpoint, Timeouts timeouts,
         std::function<void(bool up)> on_state = {}, prometheus::Histogram* durations = nullptr);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void start() { link_.start(); }
  void stop();
  bool up() const { return link_.up(); }
  const Endpoint& endpoint() const { return link_.endpoint(); }
  std::uint64_t failures() const { return link_.failures(); }

  // Sends a formatted command (format_command), after ASKING when `asking` (a cluster's ASK
  // redirection). `done` runs on this client's executor, never inside the call.
  void command(std::string_view formatted, Completion<Result> done, bool asking = false);

 private:
  struct Pending {
    Completion<Result> done;  // empty: the reply to an ASKING, not handed on
    std::chrono::steady_clock::time_point sent;
  };

  // When Redis last showed life to the waiting commands (pending_ must not be empty).
  std::chrono::steady_clock::time_point silent_since() const;
  void on_link_up() override;
  void on_link_down(const std::string& reason) override;
  void on_reply(Reply reply) override;
  void fail_all(const std::string& reason);
  void complete_later(Completion<Result> done, Result result);
  void watch_deadline();

  boost::asio::any_io_executor executor_;
  Link link_;
  std::function<void(bool)> on_state_;
  std::deque<Pending> pending_;  // sent, waiting for their replies, oldest first
  std::chrono::steady_clock::time_point last_reply_{};
  boost::asio::steady_timer deadline_;
  bool deadline_armed_ = false;
  prometheus::Histogram* durations_;
};

}  // namespace herald::redis
