// One worker thread: its event loop, its part of the hub, its connections and its metrics shard.
// Everything a connection touches on the hot path belongs to its worker; other threads reach a worker
// only by posting to its executor.
#pragma once
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "protocol/net/address_range.hpp"
#include "pubsub/hub.hpp"
#include "runtime/busy_window.hpp"
#include "runtime/catch_up_probe.hpp"
#include "runtime/client_limits.hpp"
#include "runtime/config.hpp"
#include "runtime/connection.hpp"
#include "runtime/metrics.hpp"
#include "runtime/subscriber_counts.hpp"

namespace herald {

// A connection whose queued output the worker writes at the end of the current round of work.
class Flushable {
 public:
  virtual void flush_now() = 0;

 protected:
  ~Flushable() = default;
};

// What all workers share: settings, the engine and the server-wide counters.
struct ServerState {
  explicit ServerState(const Config& c);
  const Config& config;
  std::vector<AddressRange> trusted_proxies;  // http.trusted_proxies
  ClientLimits client_limits;
  Engine* engine = nullptr;
  std::atomic<bool> shutting_down{false};
  std::atomic<std::size_t> open_connections{0};
  SubscriberCounts subscribers;  // of channels with a subscriber limit ([[namespace]] max_subscribers)
  std::function<std::string()> render_metrics;  // Prometheus text of the whole server
};

class Worker {
 public:
  // How often connections get on_tick: the resolution of heartbeats, pings, idle and stall checks
  // (sse.heartbeat = 2.5 means 2.5 to 2.75 s), cheap enough for tens of thousands of connections.
  static constexpr std::chrono::milliseconds kTickInterval{250};

  Worker(WorkerId id, ServerState& state);
  ~Worker();

  WorkerId id() const { return id_; }
  boost::asio::io_context& context() { return context_; }
  ServerState& state() { return state_; }
  const Config& config() const { return state_.config; }
  Hub& hub() { return *hub_; }
  MetricsShard& metrics() { return metrics_; }
  const MetricsShard& metrics() const { return metrics_; }
  ConnectionRegistry& connections() { return connections_; }
  // Space for reading from sockets on this thread; its contents last only until the next read.
  char* scratch() { return scratch_.data(); }
  // Long polls this worker answered with messages lately (see LongPollWait: a busy worker gathers).
  BusyWindow& answered_polls() { return answered_polls_; }
  CatchUpProbe& catch_up() { return catch_up_; }
  std::size_t scratch_size() const { return scratch_.size(); }

  // Makes this worker's hub and attaches it to the engine (before the engine starts).
  void attach(Engine& engine);

  // Corking: instead of one write per message, connections that got output ask to be flushed, and
  // one pass writes each of them once. The pass runs after the handlers already queued, so everything
  // queued in this round of work leaves in one write per connection, at no added latency. Only a
  // connection that is hot (its last write started less than 4 × cork_ms ago) on a worker saturated by
  // fan-out (its last pass was large and ended moments ago) waits server.cork_ms instead, so that its
  // messages of that time leave in one write: there the wait pays, elsewhere it would only add latency.
  void flush_soon(std::shared_ptr<Flushable> connection,
                  std::chrono::steady_clock::time_point last_write_started);
  void start();
  // On the worker's thread: ends every connection cleanly.
  void shut_down_connections();
  void stop();
  void join();

 private:
  void schedule_tick();
  void flush_dirty();
  void flush_corked();
  void flush_all(std::vector<std::shared_ptr<Flushable>>& connections);

  WorkerId id_;
  ServerState& state_;
  boost::asio::io_context context_{1};
  std::optional<Hub> hub_;
  MetricsShard metrics_;
  ConnectionRegistry connections_;
  boost::asio::steady_timer tick_timer_{context_};
  std::vector<char> scratch_ = std::vector<char>(64 * 1024);
  std::vector<std::shared_ptr<Flushable>> dirty_;
  std::vector<std::shared_ptr<Flushable>> flushing_;
  bool flush_scheduled_ = false;
  std::vector<std::shared_ptr<Flushable>> corked_;  // written when the cork timer expires
  bool cork_armed_ = false;
  boost::asio::steady_timer cork_timer_{context_};
  std::chrono::steady_clock::time_point last_pass_end_{};
  std::size_t last_pass_size_ = 0;
  std::chrono::steady_clock::time_point last_client_sweep_{};
  BusyWindow answered_polls_;
  CatchUpProbe catch_up_{context_};
  std::thread thread_;
};

}  // namespace herald
