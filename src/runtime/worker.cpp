// Worker thread (see worker.hpp).
#include "runtime/worker.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace herald {

namespace {

std::vector<AddressRange> parse_ranges(const std::vector<std::string>& texts) {
  std::vector<AddressRange> ranges;
  for (const auto& text : texts)
    if (auto range = AddressRange::parse(text)) ranges.push_back(*range);  // the loader checked them
  return ranges;
}

// How often the first worker lets the per-address table forget clients that left.
constexpr auto kClientSweepInterval = std::chrono::seconds(10);

}  // namespace

ServerState::ServerState(const Config& c)
    : config(c), trusted_proxies(parse_ranges(c.trusted_proxies)), client_limits(c) {}

Worker::Worker(WorkerId id, ServerState& state) : id_(id), state_(state) {}

Worker::~Worker() { join(); }

void Worker::attach(Engine& engine) {
  hub_.emplace(id_, engine, context_.get_executor());
  engine.attach(id_, *hub_);
}

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
  tick_timer_.expires_after(kTickInterval);
  tick_timer_.async_wait([this](boost::system::error_code error) {
    if (error) return;
    auto now = std::chrono::steady_clock::now();
    connections_.for_each([now](Connection& c) { c.on_tick(now); });
    if (hub_) hub_->tick(now);
    if (id_ == 0 && now - last_client_sweep_ >= kClientSweepInterval) {
      last_client_sweep_ = now;
      state_.client_limits.sweep(ClientLimits::now());
    }
    schedule_tick();
  });
}

namespace {
// A pass that wrote to this many connections counts as fan-out worth batching: below it, waiting
// cork_ms would cost each of a few clients latency for little saving in system calls; above it, the
// calls saved by one write per connection per cork outweigh the wait (docs/benchmarks.md, corking).
constexpr std::size_t kLargePass = 32;
// A connection whose last write started less than this many cork_ms ago is hot: holding it back for
// cork_ms gathers more of its messages into one write. A connection that gets a message now and then
// (one of many small channels) would gather nothing and only wait.
constexpr int kHotWindowCorks = 4;
}  // namespace

void Worker::flush_soon(std::shared_ptr<Flushable> connection,
                        std::chrono::steady_clock::time_point last_write_started) {
  auto cork = std::chrono::duration_cast<std::chrono::steady_clock::duration>(state_.config.cork_ms);
  auto now = std::chrono::steady_clock::now();
  bool saturated = last_pass_size_ >= kLargePass && now - last_pass_end_ < cork;
  bool hot = now - last_write_started < kHotWindowCorks * cork;
  if (saturated && hot) {
    corked_.push_back(std::move(connection));
    if (cork_armed_) return;
    cork_armed_ = true;
    cork_timer_.expires_after(cork);
    cork_timer_.async_wait([this](boost::system::error_code) { flush_corked(); });
    return;
  }
  dirty_.push_back(std::move(connection));
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  boost::asio::post(context_, [this] { flush_dirty(); });
}

void Worker::flush_dirty() {
  flush_scheduled_ = false;
  flush_all(dirty_);
}

void Worker::flush_corked() {
  cork_armed_ = false;
  flush_all(corked_);
}

// Writes each of `connections` once (what they queue meanwhile asks for a later pass).
void Worker::flush_all(std::vector<std::shared_ptr<Flushable>>& connections) {
  flushing_.swap(connections);
  for (auto& connection : flushing_) connection->flush_now();
  last_pass_size_ = flushing_.size();
  last_pass_end_ = std::chrono::steady_clock::now();
  flushing_.clear();
}

void Worker::shut_down_connections() {
  connections_.for_each([](Connection& c) { c.on_shutdown(); });
}

void Worker::stop() { context_.stop(); }

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace herald
