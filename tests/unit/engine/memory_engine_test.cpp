// What only the memory engine does: channels made by watching, sweeps, start and stop.
#include "engine/memory/memory_engine.hpp"

#include <gtest/gtest.h>

#include <string>

#include "engine_harness.hpp"

namespace herald {
namespace {
using testing::Workers;

testing::EngineMaker memory_engine(MemoryEngineConfig config = {}) {
  return [config](std::vector<boost::asio::any_io_executor> executors) {
    return std::make_unique<MemoryEngine>(std::move(executors), config);
  };
}

TEST(MemoryEngine, WatchCreatesTheChannel) {
  Workers workers(1, memory_engine());
  workers.watch(0, "room");
  EXPECT_EQ(workers.engine->channel_count(), 1u);
}

TEST(MemoryEngine, AChannelMadeByWatchingHasTheBoundsOfItsRule) {
  MemoryEngineConfig config;
  config.history_rules = {{"few:", 1, 600'000}};
  Workers workers(1, memory_engine(config));
  workers.watch(0, "few:a");
  workers.publish(0, "few:a", "1");
  workers.publish(0, "few:a", "2");
  auto kept = workers.history(0, "few:a", std::nullopt).messages;
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]->offset, 2u);
}

TEST(MemoryEngine, StartAndStopDoNotDisturbPendingWork) {
  Workers workers(2, memory_engine());
  workers.engine->start();
  workers.publish(0, "room");
  workers.engine->stop();
  workers.drain();  // the sweep timers are cancelled: the contexts run out of work
  EXPECT_EQ(workers.history(1, "room", std::nullopt).cursor.offset, 1u);
}

TEST(MemoryEngine, WatchOverTheChannelLimitIsRejected) {
  MemoryEngineConfig config;
  config.max_channels = 0;
  Workers workers(1, memory_engine(config));
  WatchOutcome outcome = workers.watch(0, "room");
  EXPECT_EQ(outcome.status, EngineStatus::rejected);
  EXPECT_FALSE(outcome.error.empty());
  workers.publish(0, "room");
  EXPECT_TRUE(workers.delivered[0].empty());
}

TEST(MemoryEngine, LiveDeliveryNeedsNoPositionChecks) {
  Workers workers(1, memory_engine());
  EXPECT_EQ(workers.engine->position_check_interval().count(), 0);
}

TEST(MemoryEngine, NeedsOneToSixtyFourWorkers) {
  EXPECT_THROW(MemoryEngine({}, MemoryEngineConfig{}), std::invalid_argument);
  boost::asio::io_context context;
  std::vector<boost::asio::any_io_executor> too_many(std::size_t{kMaxWorkers} + 1,
                                                     boost::asio::any_io_executor(context.get_executor()));
  EXPECT_THROW(MemoryEngine(too_many, MemoryEngineConfig{}), std::invalid_argument);
}

}  // namespace
}  // namespace herald
