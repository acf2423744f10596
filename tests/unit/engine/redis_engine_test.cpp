// The Redis engine beyond the engine contract, on the test program's redis-server: readiness follows the
// command connection of every worker, not only the first one's; presence shared by nodes (engines on one
// key prefix), a dead node's clients taken out, a clean stop leaving, and presence written again when
// Redis forgot it.
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

// Two nodes on one prefix, with short liveness intervals so that a dead node is noticed quickly.
testing::EngineMaker presence_node(const std::string& prefix) {
  return [prefix](std::vector<asio::any_io_executor> executors) {
    EngineConfig config{"redis", {}, {}};
    config.redis.url = RedisTestServer::get()->url();
    config.redis.prefix = prefix;
    config.redis.node_refresh_interval = std::chrono::milliseconds(100);
    config.redis.node_ttl = std::chrono::milliseconds(300);
    return make_engine(config, std::move(executors));
  };
}

// Drains `workers` until `done()` holds or `timeout` passes; returns done().
template <typename Done>
bool drain_until(Workers& workers, Done done, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!done() && Clock::now() < deadline) workers.drain();
  return done();
}

bool has_change(const std::vector<PresenceEvent>& events, PresenceChange change, const std::string& id) {
  for (const auto& event : events)
    if (event.change == change && event.client.id == id) return true;
  return false;
}

TEST(RedisEngine, PresenceIsSharedByNodes) {
  if (RedisTestServer::get() == nullptr) GTEST_SKIP() << "redis-server is not installed";
  Workers a(1, presence_node("shared"));
  Workers b(1, presence_node("shared"));
  ASSERT_EQ(b.watch(0, "room").status, EngineStatus::ok);
  ASSERT_EQ(a.join(0, "room", {"a1", "alice", ""}).status, EngineStatus::ok);
  auto both = b.join(0, "room", {"b1", "bob", ""});
  ASSERT_EQ(both.clients.size(), 2u);
  EXPECT_EQ(both.clients[0].id, "a1");
  EXPECT_TRUE(drain_until(
      b, [&] { return has_change(b.presence_events[0], PresenceChange::join, "a1"); },
      std::chrono::milliseconds(2000)))
      << "node B never heard of node A's join";
  a.leave(0, "room", "a1");
  EXPECT_TRUE(drain_until(
      b, [&] { return has_change(b.presence_events[0], PresenceChange::leave, "a1"); },
      std::chrono::milliseconds(2000)));
  EXPECT_EQ(b.presence(0, "room").clients.size(), 1u);
}

TEST(RedisEngine, ADeadNodesClientsLeaveWithinTheTtlAndARefresh) {
  if (RedisTestServer::get() == nullptr) GTEST_SKIP() << "redis-server is not installed";
  auto b = std::make_unique<Workers>(1, presence_node("dead"));
  ASSERT_EQ(b->watch(0, "room").status, EngineStatus::ok);
  {
    Workers a(2, presence_node("dead"));
    ASSERT_EQ(a.join(0, "room", {"a1", "", ""}).status, EngineStatus::ok);
    ASSERT_EQ(a.join(1, "room", {"a2", "", ""}).status, EngineStatus::ok);
    ASSERT_EQ(a.join(1, "other", {"a2", "", ""}).status, EngineStatus::ok);
    ASSERT_EQ(b->join(0, "room", {"b1", "", ""}).clients.size(), 3u);
    // Node A dies: its threads stop running (nothing of it runs again until its end below).
    auto died = Clock::now();
    EXPECT_TRUE(drain_until(
        *b, [&] { return b->presence(0, "room").clients.size() == 1; }, std::chrono::milliseconds(3000)))
        << "node A's clients are still present";
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - died);
    EXPECT_LE(took.count(), 300 + 100 + 600) << "bound: ttl + refresh interval (+ margin)";
    EXPECT_TRUE(b->presence(0, "other").clients.empty());
    EXPECT_TRUE(has_change(b->presence_events[0], PresenceChange::leave, "a1"));
    EXPECT_TRUE(has_change(b->presence_events[0], PresenceChange::leave, "a2"));
    EXPECT_EQ(b->presence(0, "room").clients[0].id, "b1");
    b->presence_events[0].clear();
    // Node A runs again (it was only frozen): Redis forgot it, so it writes its clients again.
    EXPECT_TRUE(drain_until(
        a, [&] { return a.presence(0, "room").clients.size() == 3; }, std::chrono::milliseconds(3000)))
        << "node A did not write its presence again";
  }
  // Node A stopped cleanly: its clients left.
  EXPECT_TRUE(drain_until(
      *b, [&] { return b->presence(0, "room").clients.size() == 1; }, std::chrono::milliseconds(2000)));
  EXPECT_TRUE(has_change(b->presence_events[0], PresenceChange::leave, "a1"));
  EXPECT_TRUE(b->presence(0, "other").clients.empty());
}

TEST(RedisEngine, PresenceIsWrittenAgainWhenRedisForgotIt) {
  if (RedisTestServer::get() == nullptr) GTEST_SKIP() << "redis-server is not installed";
  Workers a(1, presence_node("forgot"));
  ASSERT_EQ(a.join(0, "room", {"a1", "alice", R"({"v":1})"}).status, EngineStatus::ok);
  drain_until(
      a, [] { return false; }, std::chrono::milliseconds(300));  // the node has refreshed its liveness
  // As a restart without persistence would: every key of the prefix is gone.
  std::string wipe =
      "for _, key in ipairs(redis.call('KEYS', 'forgot:*')) do redis.call('DEL', key) end return 1";
  ASSERT_EQ(redis_command({"EVAL", wipe, "0"}).substr(0, 2), ":1");
  ASSERT_TRUE(a.presence(0, "room").clients.empty());
  EXPECT_TRUE(drain_until(
      a, [&] { return a.presence(0, "room").clients.size() == 1; }, std::chrono::milliseconds(3000)))
      << "the node's client was not written again";
  auto clients = a.presence(0, "room").clients;
  ASSERT_EQ(clients.size(), 1u);
  EXPECT_EQ(clients[0].user, "alice");
  EXPECT_EQ(clients[0].info_json, R"({"v":1})");
  // It leaves for good: nothing writes it again.
  a.leave(0, "room", "a1");
  EXPECT_FALSE(drain_until(
      a, [&] { return !a.presence(0, "room").clients.empty(); }, std::chrono::milliseconds(500)));
}

}  // namespace
}  // namespace herald
