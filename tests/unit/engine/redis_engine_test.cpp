// The Redis engine beyond the engine contract, on the test program's redis-server: readiness follows the
// command connection of every worker, not only the first one's.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_factory.hpp"
#include "engine_harness.hpp"
#include "redis_test_server.hpp"

namespace herald {
namespace {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using testing::RedisTestServer;
using testing::Workers;

// Sends one command to the test server on a fresh connection; returns the first line of the reply.
std::string redis_command(const std::vector<std::string>& args) {
  asio::io_context context;
  asio::ip::tcp::socket socket(context);
  socket.connect({asio::ip::make_address("127.0.0.1"), RedisTestServer::get()->port()});
  std::string request = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& arg : args) request += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  asio::write(socket, asio::buffer(request));
  asio::streambuf reply;
  asio::read_until(socket, reply, "\r\n");
  std::istream lines(&reply);
  std::string line;
  std::getline(lines, line);
  return line;
}

testing::EngineMaker redis_engine(const std::string& prefix) {
  return [prefix](std::vector<asio::any_io_executor> executors) {
    EngineConfig config{"redis", {}, {}};
    config.redis.url = RedisTestServer::get()->url();
    config.redis.prefix = prefix;
    return make_engine(config, std::move(executors));
  };
}

// Runs only `worker`'s context until `done()` holds or `timeout` passes; returns done().
template <typename Done>
bool run_only(Workers& workers, WorkerId worker, Done done, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!done() && Clock::now() < deadline) {
    workers.contexts[worker]->restart();
    if (workers.contexts[worker]->poll() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

// Publishes from `worker`, running only its context, until a publish is accepted (or `timeout` passes).
bool publish_running_only(Workers& workers, WorkerId worker, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::optional<PublishOutcome> outcome;
    workers.engine->publish(worker, PublishRequest{"ready", "message", "1", ""},
                            [&outcome](PublishOutcome answer) { outcome = std::move(answer); });
    run_only(
        workers, worker, [&] { return outcome.has_value(); }, std::chrono::milliseconds(2000));
    if (outcome && outcome->status == EngineStatus::ok) return true;
    run_only(
        workers, worker, [] { return false; }, std::chrono::milliseconds(10));
  }
  return false;
}

TEST(RedisEngine, IsNotReadyWhileAnyWorkerCannotReachRedis) {
  if (RedisTestServer::get() == nullptr) GTEST_SKIP() << "redis-server is not installed";
  Workers workers(2, redis_engine("readiness"));
  ASSERT_TRUE(workers.engine->ready());

  // Every command connection is dropped (the pub/sub connection stays). Only worker 1 runs: it notices.
  ASSERT_EQ(redis_command({"CLIENT", "KILL", "TYPE", "normal"}).substr(0, 1), ":");
  EXPECT_TRUE(run_only(
      workers, 1, [&] { return !workers.engine->ready(); }, std::chrono::milliseconds(2000)))
      << "ready while worker 1 has no connection to Redis";

  // Worker 0 reconnects and publishes again; worker 1 does not run, so it still cannot publish.
  ASSERT_TRUE(publish_running_only(workers, 0, std::chrono::milliseconds(5000)));
  EXPECT_FALSE(workers.engine->ready()) << "ready while worker 1 has no connection to Redis";

  // Once worker 1 runs it reconnects, and the engine is ready again.
  for (int round = 0; round < 200 && !workers.engine->ready(); ++round) workers.drain();
  EXPECT_TRUE(workers.engine->ready());
  EXPECT_EQ(workers.publish(1, "ready").status, EngineStatus::ok);
}

}  // namespace
}  // namespace herald
