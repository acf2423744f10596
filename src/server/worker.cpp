// Worker thread (see worker.hpp).
#include "server/worker.hpp"

#include <spdlog/spdlog.h>

namespace herald {

Worker::Worker(WorkerId id, ServerState& state) : id_(id), state_(state) {}

Worker::~Worker() { join(); }

void Worker::start() {
  schedule_tick();
  thread_ = std::thread([this] {
    auto guard = boost::asio::make_work_guard(context_);
    try {
      context_.run();
    } catch (const std::exception& error) {
      spdlog::critical("worker {} stopped by an unexpected error: {}", id_, error.what());
      std::abort();
    }
  });
}

void Worker::schedule_tick() {
  tick_timer_.expires_after(std::chrono::seconds(1));
  tick_timer_.async_wait([this](boost::system::error_code error) {
    if (error) return;
    auto now = std::chrono::steady_clock::now();
    connections_.for_each([now](Connection& c) { c.on_tick(now); });
    schedule_tick();
  });
}

void Worker::shut_down_connections() {
  connections_.for_each([](Connection& c) { c.on_shutdown(); });
}

void Worker::stop() { context_.stop(); }

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace herald
