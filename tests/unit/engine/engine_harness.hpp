// Test harness for engines: one io_context per worker, polled from the test's thread, and the events
// each worker receives recorded. Every completion and event is checked to run on its worker's thread and
// never inside the call that started it. An engine over the network (one that asks for position checks)
// is started and awaited until ready, and draining waits until nothing has happened for a moment, so that
// messages on their way from the server have arrived.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.hpp"

namespace herald::testing {

using Offsets = std::vector<std::uint64_t>;

inline Offsets offsets(const std::vector<MessagePtr>& messages) {
  Offsets out;
  for (const auto& message : messages) out.push_back(message->offset);
  return out;
}

// Makes the engine under test over the workers' executors.
using EngineMaker = std::function<std::unique_ptr<Engine>(std::vector<boost::asio::any_io_executor>)>;

class Workers {
 public:
  Workers(std::size_t count, const EngineMaker& make) {
    std::vector<boost::asio::any_io_executor> executors;
    for (std::size_t i = 0; i < count; ++i) {
      contexts.push_back(std::make_unique<boost::asio::io_context>());
      executors.push_back(contexts.back()->get_executor());
    }
    delivered.resize(count);
    position_checks.resize(count);
    presence_events.resize(count);
    for (std::size_t i = 0; i < count; ++i)
      recorders_.push_back(std::make_unique<Recorder>(*this, static_cast<WorkerId>(i)));
    engine = make(std::move(executors));
    for (auto& recorder : recorders_) engine->attach(recorder->worker, *recorder);
    networked_ = engine->position_check_interval().count() > 0;
    if (networked_) start_and_wait_until_ready();
  }
  ~Workers() {
    if (!networked_) return;
    engine->stop();
    drain();
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Runs every context until none has work left (over the network: until none has had any for
  // kQuietPeriod).
  void drain() {
    using Clock = std::chrono::steady_clock;
    auto quiet_since = Clock::now();
    for (int round = 0; round < 100000; ++round) {
      std::size_t ran = 0;
      for (auto& context : contexts) {
        context->restart();
        ran += context->poll();
      }
      if (ran > 0) {
        quiet_since = Clock::now();
        continue;
      }
      if (!networked_ || Clock::now() - quiet_since >= kQuietPeriod) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ADD_FAILURE() << "the workers never went idle";
  }

  PublishOutcome publish(WorkerId from, const std::string& channel, const std::string& data = "1",
                         const std::string& key = "", const std::string& event = "message") {
    return answer_of<PublishOutcome>(from, "publish", [&](auto done) {
      engine->publish(from, PublishRequest{channel, event, data, key}, std::move(done));
    });
  }

  std::vector<PublishOutcome> publish_batch(WorkerId from, std::vector<PublishRequest> requests) {
    return answer_of<std::vector<PublishOutcome>>(from, "publish_batch", [&](auto done) {
      engine->publish_batch(from, std::move(requests), std::move(done));
    });
  }

  HistoryOutcome history(WorkerId from, const std::string& channel, std::optional<std::string> since,
                         std::size_t limit = 100) {
    std::optional<ResumePoint> point;
    if (since) point = ResumePoint::from_text(*since);
    return answer_of<HistoryOutcome>(from, "history", [&](auto done) {
      engine->history(from, HistoryRequest{channel, point, limit}, std::move(done));
    });
  }

  WatchOutcome watch(WorkerId worker, const std::string& channel) {
    return answer_of<WatchOutcome>(worker, "watch",
                                   [&](auto done) { engine->watch(worker, channel, std::move(done)); });
  }

  void unwatch(WorkerId worker, const std::string& channel) {
    engine->unwatch(worker, channel);
    drain();
  }

  PresenceOutcome join(WorkerId from, const std::string& channel, PresenceClient client) {
    return answer_of<PresenceOutcome>(
        from, "join", [&](auto done) { engine->join(from, channel, std::move(client), std::move(done)); });
  }

  void leave(WorkerId from, const std::string& channel, const std::string& client_id) {
    engine->leave(from, channel, client_id);
    drain();
  }

  PresenceOutcome presence(WorkerId from, const std::string& channel) {
    return answer_of<PresenceOutcome>(from, "presence",
                                      [&](auto done) { engine->presence(from, channel, std::move(done)); });
  }

  bool on_thread_of(WorkerId worker) const {
    return contexts[worker]->get_executor().running_in_this_thread();
  }

  // The contexts are declared before the engine so that they outlive its timers.
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::vector<std::vector<MessagePtr>> delivered;           // per worker, in arrival order
  std::vector<std::vector<std::string>> position_checks;    // per worker
  std::vector<std::vector<PresenceEvent>> presence_events;  // per worker
  std::unique_ptr<Engine> engine;

 private:
  static constexpr auto kQuietPeriod = std::chrono::milliseconds(40);

  void start_and_wait_until_ready() {
    engine->start();
    for (int attempt = 0; attempt < 200 && !engine->ready(); ++attempt) drain();
    ASSERT_TRUE(engine->ready()) << engine->description() << " never became ready";
  }

  // Starts an operation with `start(completion)` and runs the workers until it answers, checking that
  // the answer comes later, on `worker`'s thread.
  template <typename Outcome, typename Start>
  Outcome answer_of(WorkerId worker, const char* what, Start start) {
    std::optional<Outcome> result;
    start([&, worker, what](Outcome outcome) {
      EXPECT_TRUE(on_thread_of(worker)) << what << " answered on another worker";
      result = std::move(outcome);
    });
    EXPECT_FALSE(result) << what << " answered inside the call";
    drain();
    for (int attempt = 0; attempt < 100 && !result; ++attempt) drain();
    if (!result) {
      ADD_FAILURE() << what << " never answered";
      return {};
    }
    return *result;
  }

  struct Recorder final : EngineEvents {
    Recorder(Workers& workers, WorkerId worker) : workers(workers), worker(worker) {}
    void on_message(const MessagePtr& message) override {
      EXPECT_TRUE(workers.on_thread_of(worker))
          << "delivery for worker " << worker << " ran on another worker";
      workers.delivered[worker].push_back(message);
    }
    void on_position_check(const std::string& channel) override {
      EXPECT_TRUE(workers.on_thread_of(worker));
      workers.position_checks[worker].push_back(channel);
    }
    void on_presence(const PresenceEvent& event) override {
      EXPECT_TRUE(workers.on_thread_of(worker));
      workers.presence_events[worker].push_back(event);
    }
    Workers& workers;
    WorkerId worker;
  };
  std::vector<std::unique_ptr<Recorder>> recorders_;
  bool networked_ = false;
};

}  // namespace herald::testing
