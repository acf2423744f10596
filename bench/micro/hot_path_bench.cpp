// Micro-benchmarks of herald's hot path, without sockets: encoding a message for every transport,
// compressing it once for permessage-deflate, handing it to N local subscribers through the hub,
// parsing resume tokens, and finding a channel's history bounds among N namespace rules (which the Redis
// engine does on every publish). Run: build/herald_micro_bench (Google Benchmark flags apply).
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/resume_token.hpp"
#include "engine/history_policy.hpp"
#include "engine/memory/memory_engine.hpp"
#include "protocol/encoded_message.hpp"
#include "pubsub/channel_feed.hpp"
#include "pubsub/hub.hpp"
#include "runtime/outbound_queue.hpp"

namespace herald {
namespace {

std::string payload_json(std::size_t size) { return "{\"p\":\"" + std::string(size, 'x') + "\"}"; }

void BM_MakeMessage(benchmark::State& state) {
  const std::string data = payload_json(static_cast<std::size_t>(state.range(0)));
  std::uint64_t offset = 0;
  for (auto _ : state) {
    auto message = make_message("bench.channel", "k3j9x0aa", ++offset, 1764268800000, "message", data);
    benchmark::DoNotOptimize(message);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_MakeMessage)->Arg(64)->Arg(1024)->Arg(16384);

void BM_DeflateOnce(benchmark::State& state) {
  const std::string data = payload_json(static_cast<std::size_t>(state.range(0)));
  std::uint64_t offset = 0;
  for (auto _ : state) {
    auto message = make_message("bench.channel", "k3j9x0aa", ++offset, 1764268800000, "message", data);
    benchmark::DoNotOptimize(message->ws_deflated_frame());
  }
}
BENCHMARK(BM_DeflateOnce)->Arg(64)->Arg(1024);

void BM_ParseResumeToken(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  std::vector<Cursor> cursors;
  for (std::size_t i = 0; i < channels; ++i) cursors.push_back({"k3j9x0aa", 1000 + i});
  const std::string token = format_resume_token(cursors);
  for (auto _ : state) benchmark::DoNotOptimize(split_resume_token(token, channels));
}
BENCHMARK(BM_ParseResumeToken)->Arg(1)->Arg(16);

// N rules of prefixes "ns<i>:"; the channel matches none of them (the longest lookup).
void BM_HistoryPolicyLookup(benchmark::State& state) {
  ChannelLimits limits;
  for (std::int64_t i = 0; i < state.range(0); ++i)
    limits.history_rules.push_back({"ns" + std::to_string(i) + ":", 10, 60'000});
  HistoryPolicy policy(limits);
  const std::string channel = "room:lobby:a-rather-long-channel-name";
  for (auto _ : state) benchmark::DoNotOptimize(policy.limits_of(channel));
}
BENCHMARK(BM_HistoryPolicyLookup)->Arg(0)->Arg(4)->Arg(32);

// A worker's hub over the memory engine, with N feeds on one channel whose sink queues every message
// the way a stream does (a reference to the shared bytes).
class FanOut final : public FeedSink {
 public:
  explicit FanOut(std::size_t subscribers) {
    engine_ = std::make_unique<MemoryEngine>(
        std::vector<boost::asio::any_io_executor>{context_.get_executor()}, MemoryEngineConfig{});
    hub_ = std::make_unique<Hub>(0, *engine_,
                                 context_.get_executor());  // not attached: the benchmark delivers by hand
    for (std::size_t i = 0; i < subscribers; ++i) {
      feeds_.push_back(std::make_unique<ChannelFeed>(*hub_, "bench", *this));
      queues_.emplace_back(1 << 30);
      feeds_.back()->index = i;
      feeds_.back()->start(std::nullopt);
    }
    context_.poll();  // the feeds' first history reads
    epoch_ = feeds_.front()->position().epoch;
  }

  MessagePtr next_message() {
    return make_message("bench", epoch_, ++offset_, 1764268800000, "message", "1");
  }
  void deliver(const MessagePtr& message) { hub_->on_message(message); }
  void drain() {
    for (auto& queue : queues_) {
      std::size_t total = 0;
      for (const auto& buffer : queue.begin_write()) total += buffer.size();
      queue.end_write(total);
    }
  }

  void on_feed_message(ChannelFeed& feed, const MessagePtr& message) override {
    queues_[feed.index].push(message, message->sse);
  }
  void on_feed_gap(ChannelFeed&, const Gap&) override {}
  void on_feed_ready(ChannelFeed&) override {}
  void on_feed_failed(ChannelFeed&, const std::string&) override {}

 private:
  boost::asio::io_context context_;
  std::unique_ptr<MemoryEngine> engine_;
  std::unique_ptr<Hub> hub_;
  std::vector<std::unique_ptr<ChannelFeed>> feeds_;
  std::vector<OutboundQueue> queues_;
  std::string epoch_;
  std::uint64_t offset_ = 0;
};

void BM_HubFanOut(benchmark::State& state) {
  FanOut fan_out(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto message = fan_out.next_message();
    fan_out.deliver(message);
    state.PauseTiming();
    fan_out.drain();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));  // deliveries
}
BENCHMARK(BM_HubFanOut)->Arg(10)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace herald

BENCHMARK_MAIN();
