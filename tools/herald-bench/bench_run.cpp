// Benchmark orchestration (see bench_run.hpp).
#include "bench_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <thread>

#include "clock.hpp"
#include "proc_stats.hpp"
#include "publisher.hpp"
#include "subscriber_loop.hpp"

namespace bench {
namespace {

using namespace std::chrono_literals;

struct Plan {
  std::vector<std::string> channels;
  std::vector<std::uint64_t> messages_per_channel;
  std::uint64_t expected = 0;  // deliveries over all subscribers
};

Target target_or_throw(const std::string& url) {
  std::string error;
  auto target = parse_target(url, error);
  if (!target) throw std::runtime_error(fmt::format("{}: {}", url, error));
  return *target;
}

Plan make_plan(const Options& o) {
  Plan plan;
  auto c = static_cast<std::uint64_t>(o.channels);
  auto m = static_cast<std::uint64_t>(o.messages);
  for (std::uint64_t k = 0; k < c; ++k) {
    plan.channels.push_back(fmt::format("bench-{}-{}", o.run_id, k));
    plan.messages_per_channel.push_back(o.idle ? 0 : m / c + (k < m % c ? 1 : 0));
  }
  for (int i = 0; i < o.subscribers; ++i)
    plan.expected += plan.messages_per_channel[static_cast<std::size_t>(i) % c];
  return plan;
}

// One set of subscribe settings per --url; the subscribers keep pointers to them.
std::vector<SubscribeSettings> make_settings(const Options& o) {
  std::vector<SubscribeSettings> settings;
  for (const auto& url : o.urls)
    settings.push_back({target_or_throw(url), o.transport, o.lp_style, o.sse_ready, o.sub_path,
                        o.transport == Transport::ws ? o.ws_subscribe : std::string()});
  return settings;
}

// Subscriber i is the j-th (j = i / C) of channel k = i % C; it uses URL (j + k) % U, so each channel's
// subscribers alternate between the URLs (whatever C and U are) and so do all subscribers.
std::size_t url_of(std::size_t i, std::size_t channels, std::size_t urls) {
  return (i / channels + i % channels) % urls;
}

std::vector<std::unique_ptr<SubscriberLoop>> make_loops(const Options& o, const Plan& plan,
                                                        const std::vector<SubscribeSettings>& settings,
                                                        Deadline deadline) {
  std::vector<std::vector<Subscriber>> shares(static_cast<std::size_t>(o.threads));
  std::vector<std::uint64_t> expected(shares.size(), 0);
  for (int i = 0; i < o.subscribers; ++i) {
    auto index = static_cast<std::size_t>(i);
    std::size_t channel = index % plan.channels.size();
    std::size_t t = index % shares.size();
    const SubscribeSettings& node = settings[url_of(index, plan.channels.size(), settings.size())];
    shares[t].emplace_back(node, plan.channels[channel], plan.messages_per_channel[channel]);
    expected[t] += plan.messages_per_channel[channel];
  }
  std::vector<std::unique_ptr<SubscriberLoop>> loops;
  for (std::size_t t = 0; t < shares.size(); ++t)
    loops.push_back(
        std::make_unique<SubscriberLoop>(std::move(shares[t]), expected[t], o.max_connecting, deadline,
                                         std::chrono::duration_cast<SteadyClock::duration>(
                                             std::chrono::duration<double, std::milli>(o.read_every_ms))));
  return loops;
}

std::vector<std::unique_ptr<Publisher>> make_publishers(const Options& o, const Plan& plan,
                                                        const Target& target, Deadline deadline) {
  std::size_t count = std::min(static_cast<std::size_t>(o.publishers), plan.channels.size());
  std::vector<std::vector<PublisherChannel>> owned(count);
  for (std::size_t k = 0; k < plan.channels.size(); ++k)
    owned[k % count].push_back({expand_channel(o.pub_path, plan.channels[k]), plan.messages_per_channel[k]});
  std::vector<std::unique_ptr<Publisher>> publishers;
  for (auto& channels : owned)
    publishers.push_back(std::make_unique<Publisher>(target, std::move(channels),
                                                     o.rate / static_cast<double>(count),
                                                     static_cast<std::size_t>(o.size), deadline));
  return publishers;
}

// The server's processes (--pid) and its broker's (--broker-pid), read together.
struct ServerSample {
  ProcSample nodes;
  ProcSample broker;
  ProcSample total() const { return nodes + broker; }
};

ServerSample sample_server(const Options& o) {
  return {sample_processes(o.pids), sample_processes(o.broker_pids)};
}

template <typename Field>
std::uint64_t sum_progress(const std::vector<std::unique_ptr<SubscriberLoop>>& loops, Field field) {
  std::uint64_t total = 0;
  for (auto& loop : loops) total += (loop->progress().*field).load(std::memory_order_acquire);
  return total;
}

// Waits until every subscriber is subscribed or failed; returns false on the deadline.
bool wait_subscribed(const std::vector<std::unique_ptr<SubscriberLoop>>& loops, std::uint64_t n,
                     Deadline deadline) {
  auto next_note = SteadyClock::now() + 2s;
  while (!expired(deadline)) {
    auto ready = sum_progress(loops, &LoopProgress::ready);
    auto failed = sum_progress(loops, &LoopProgress::failed);
    if (ready + failed >= n) return true;
    if (SteadyClock::now() >= next_note) {
      fmt::print(stderr, "herald-bench: {} of {} subscribed, {} failed\n", ready, n, failed);
      next_note += 2s;
    }
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

bool all_finished(const std::vector<std::unique_ptr<Publisher>>& publishers) {
  return std::all_of(publishers.begin(), publishers.end(), [](auto& p) { return p->finished(); });
}

// Waits for every expected delivery, the deadline, or `quiet` seconds without progress once publishing ended.
void wait_delivered(const std::vector<std::unique_ptr<SubscriberLoop>>& loops,
                    const std::vector<std::unique_ptr<Publisher>>& publishers, std::uint64_t expected,
                    double quiet, Deadline deadline) {
  std::uint64_t last = 0;
  auto last_change = SteadyClock::now();
  while (!expired(deadline)) {
    auto delivered = sum_progress(loops, &LoopProgress::fresh_deliveries);
    bool published = all_finished(publishers);
    if (delivered >= expected && published) return;
    if (delivered != last || !published) {
      last = delivered;
      last_change = SteadyClock::now();
    } else if (SteadyClock::now() - last_change > std::chrono::duration<double>(quiet)) {
      return;
    }
    std::this_thread::sleep_for(1ms);
  }
}

void sleep_bounded(double seconds, Deadline deadline) {
  auto until = std::min(deadline_after(seconds), deadline);
  std::this_thread::sleep_until(until);
}

void collect_subscribers(std::vector<std::unique_ptr<SubscriberLoop>>& loops, Result& r,
                         std::vector<std::int64_t>& latencies) {
  for (auto& loop : loops) {
    const LoopContext& ctx = loop->context();
    r.ready += ctx.ready;
    r.failed += ctx.failed;
    r.disconnects += ctx.disconnects;
    r.reconnects += ctx.reconnects;
    r.poll_answers += ctx.poll_answers;
    r.poll_messages += ctx.poll_messages;
    r.samples_dropped += ctx.samples_dropped;
    if (r.first_error.empty()) r.first_error = ctx.first_error;
    for (auto& s : loop->subscribers()) r.counts += s.tracker().counts();
    latencies.insert(latencies.end(), ctx.latencies_ns.begin(), ctx.latencies_ns.end());
  }
}

std::int64_t last_delivery_ns(const std::vector<std::unique_ptr<SubscriberLoop>>& loops) {
  std::int64_t last = 0;
  for (auto& loop : loops) last = std::max(last, loop->context().last_delivery_ns);
  return last;
}

void collect_publishers(std::vector<std::unique_ptr<Publisher>>& publishers, Result& r,
                        std::int64_t& first_send) {
  first_send = 0;
  std::int64_t last_send = 0;
  for (auto& p : publishers) {
    p->join();
    const PublisherResult& pr = p->result();
    r.published += pr.published;
    r.publish_errors += pr.errors;
    if (pr.first_send_ns && (first_send == 0 || pr.first_send_ns < first_send)) first_send = pr.first_send_ns;
    last_send = std::max(last_send, pr.last_send_ns);
    r.publish_lag_max_ms = std::max(r.publish_lag_max_ms, static_cast<double>(pr.max_lag_ns) / 1e6);
    if (!pr.first_error.empty() && r.first_error.empty()) r.first_error = "publisher: " + pr.first_error;
  }
  if (last_send > first_send && r.published > 1)
    r.publish_rate = static_cast<double>(r.published - 1) * 1e9 / static_cast<double>(last_send - first_send);
}

void set_memory(Result& r, const ServerSample& before, const ServerSample& after) {
  r.rss_before = before.total().rss_bytes;
  r.rss_after = after.total().rss_bytes;
  r.broker_rss_before = before.broker.rss_bytes;
  r.broker_rss_after = after.broker.rss_bytes;
}

Result run_idle(const Options& o, std::vector<std::unique_ptr<SubscriberLoop>>& loops,
                const ServerSample& before, Deadline deadline) {
  Result r;
  r.mode = "idle";
  sleep_bounded(o.settle, deadline);
  ServerSample after = sample_server(o);
  for (auto& loop : loops) loop->stop();
  std::vector<std::int64_t> unused;
  collect_subscribers(loops, r, unused);
  set_memory(r, before, after);
  r.proc_ok = before.total().ok && after.total().ok;
  if (r.ready > 0)
    r.rss_per_connection =
        (static_cast<double>(r.rss_after) - static_cast<double>(r.rss_before)) / static_cast<double>(r.ready);
  r.complete = r.ready == static_cast<std::uint64_t>(o.subscribers);
  return r;
}

Result run_deliveries(const Options& o, const Plan& plan, std::vector<std::unique_ptr<SubscriberLoop>>& loops,
                      const ServerSample& before, Deadline deadline) {
  Result r;
  r.mode = "deliveries";
  Target publish_target = target_or_throw(o.publish_url);
  auto publishers = make_publishers(o, plan, publish_target, deadline);
  std::atomic<bool> go{false};
  for (auto& p : publishers) p->start(go);
  ServerSample cpu_before = sample_server(o);
  double own_before = own_cpu_seconds();
  go.store(true);
  wait_delivered(loops, publishers, plan.expected, o.quiet, deadline);
  ServerSample after = sample_server(o);
  r.client_cpu_seconds = own_cpu_seconds() - own_before;
  for (auto& loop : loops) loop->stop();
  std::int64_t first_send = 0;
  collect_publishers(publishers, r, first_send);
  std::vector<std::int64_t> latencies;
  latencies.reserve(plan.expected);
  collect_subscribers(loops, r, latencies);
  r.latency = latency_percentiles(latencies);
  r.complete = r.counts.received == plan.expected && r.counts.duplicated == 0 && r.counts.unexpected == 0;
  std::int64_t last = last_delivery_ns(loops);
  r.duration_seconds = first_send && last > first_send ? static_cast<double>(last - first_send) / 1e9 : 0;
  if (r.duration_seconds > 0)
    r.deliveries_per_second = static_cast<double>(r.counts.received) / r.duration_seconds;
  r.server_cpu_seconds = after.total().cpu_seconds - cpu_before.total().cpu_seconds;
  r.broker_cpu_seconds = after.broker.cpu_seconds - cpu_before.broker.cpu_seconds;
  if (r.counts.received) {
    auto received = static_cast<double>(r.counts.received);
    r.cpu_us_per_delivery = r.server_cpu_seconds * 1e6 / received;
    r.broker_cpu_us_per_delivery = r.broker_cpu_seconds * 1e6 / received;
  }
  set_memory(r, before, after);
  r.proc_ok = before.total().ok && cpu_before.total().ok && after.total().ok;
  return r;
}

}  // namespace

Result run_benchmark(const Options& o) {
  const std::vector<SubscribeSettings> settings = make_settings(o);
  target_or_throw(o.publish_url);
  Plan plan = make_plan(o);
  Deadline deadline = deadline_after(o.timeout);
  ServerSample before = sample_server(o);
  auto loops = make_loops(o, plan, settings, deadline);
  auto connect_start = SteadyClock::now();
  for (auto& loop : loops) loop->start();
  bool subscribed = wait_subscribed(loops, static_cast<std::uint64_t>(o.subscribers), deadline);
  double connect_seconds = std::chrono::duration<double>(SteadyClock::now() - connect_start).count();
  if (!subscribed) fmt::print(stderr, "herald-bench: timeout while subscribing\n");
  Result r = o.idle ? run_idle(o, loops, before, deadline) : run_deliveries(o, plan, loops, before, deadline);
  r.connect_seconds = connect_seconds;
  return r;
}

}  // namespace bench
