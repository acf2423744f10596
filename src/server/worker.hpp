// One worker thread: its event loop, its part of the hub, its connections and its metrics shard.
// Everything a connection touches on the hot path belongs to its worker; other threads reach a worker
// only by posting to its executor.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/hub.hpp"
#include "server/config.hpp"
#include "server/connection.hpp"
#include "server/metrics.hpp"

namespace herald {

// What all workers share: settings, the engine and the server-wide counters.
struct ServerState {
  explicit ServerState(const Config& c) : config(c) {}
  const Config& config;
  Engine* engine = nullptr;
  std::atomic<bool> shutting_down{false};
  std::atomic<std::size_t> open_connections{0};
  std::function<std::string()> render_metrics;  // Prometheus text of the whole server
};

class Worker {
 public:
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
  std::size_t scratch_size() const { return scratch_.size(); }

  void attach(Engine& engine) { hub_.emplace(id_, engine); }
  void start();
  // On the worker's thread: ends every connection cleanly.
  void shut_down_connections();
  void stop();
  void join();

 private:
  void schedule_tick();

  WorkerId id_;
  ServerState& state_;
  boost::asio::io_context context_{1};
  std::optional<Hub> hub_;
  MetricsShard metrics_;
  ConnectionRegistry connections_;
  boost::asio::steady_timer tick_timer_{context_};
  std::vector<char> scratch_ = std::vector<char>(64 * 1024);
  std::thread thread_;
};

}  // namespace herald
