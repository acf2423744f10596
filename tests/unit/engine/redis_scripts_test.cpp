// The Redis engine's scripts seen from the redis-server's side (MONITOR shows every command a script
// runs): what publishing and reading history cost Redis. Every publish and history read trims expired
// messages from the head of the channel's stream; while nothing has expired, that must read the head
// entry alone, not a batch of entries with their payloads.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <istream>
#include <string>
#include <vector>

#include "engine/engine_factory.hpp"
#include "engine_harness.hpp"
#include "redis_test_server.hpp"

namespace herald {
namespace {

namespace asio = boost::asio;

// A MONITOR connection to the test redis-server: the commands Redis runs, one line each.
class Monitor {
 public:
  explicit Monitor(unsigned short port) : socket_(context_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval timeout{5, 0};  // a line that never comes fails the read instead of hanging the test
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    asio::write(socket_, asio::buffer(std::string("MONITOR\r\n")));
    EXPECT_EQ(next_line(), "+OK");
  }

  // The lines up to and including the first that contains `last` (bounded: 10000 lines).
  std::vector<std::string> lines_until(const std::string& last) {
    std::vector<std::string> lines;
    while (lines.size() < 10000) {
      lines.push_back(next_line());
      if (lines.back().find(last) != std::string::npos) break;
    }
    return lines;
  }

 private:
  std::string next_line() {
    asio::read_until(socket_, buffer_, "\r\n");
    std::istream in(&buffer_);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }

  asio::io_context context_;
  asio::ip::tcp::socket socket_;
  asio::streambuf buffer_;
};

// The XRANGE commands among `lines` that read the stream `stream`.
std::vector<std::string> xranges_of(const std::vector<std::string>& lines, const std::string& stream) {
  std::vector<std::string> out;
  for (const auto& line : lines)
    if (line.find("\"XRANGE\" \"" + stream + "\"") != std::string::npos) out.push_back(line);
  return out;
}

class RedisScripts : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::RedisTestServer::get() == nullptr) GTEST_SKIP() << "redis-server is not installed";
  }
  static testing::EngineMaker maker() {
    return [](std::vector<asio::any_io_executor> executors) {
      EngineConfig config{"redis", ChannelLimits{}, {}};  // history kept 600 s: nothing expires here
      config.redis.url = testing::RedisTestServer::get()->url();
      config.redis.prefix = "scripts";
      config.redis.position_check_interval = std::chrono::milliseconds(200);
      return make_engine(config, std::move(executors));
    };
  }
};

TEST_F(RedisScripts, APublishReadsOnlyTheHeadOfTheStreamWhileNothingExpired) {
  testing::Workers workers(1, maker());
  for (int i = 1; i <= 20; ++i) workers.publish(0, "trimmed", std::to_string(i));
  Monitor monitor(testing::RedisTestServer::get()->port());
  ASSERT_EQ(workers.publish(0, "trimmed", "21").cursor.offset, 21u);
  auto reads = xranges_of(monitor.lines_until("\"SPUBLISH\""), "scripts:{trimmed}:s");
  ASSERT_EQ(reads.size(), 1u) << "one look at the head of the stream";
  EXPECT_TRUE(reads[0].ends_with("\"-\" \"+\" \"COUNT\" \"1\"")) << reads[0];
}

TEST_F(RedisScripts, AHistoryReadLooksAtTheHeadOnlyToTrimAndToFindTheOldest) {
  testing::Workers workers(1, maker());
  std::string epoch;
  for (int i = 1; i <= 20; ++i) epoch = workers.publish(0, "read", std::to_string(i)).cursor.epoch;
  Monitor monitor(testing::RedisTestServer::get()->port());
  HistoryOutcome outcome = workers.history(0, "read", epoch + ":18");
  ASSERT_EQ(testing::offsets(outcome.messages), (testing::Offsets{19, 20}));
  auto reads =
      xranges_of(monitor.lines_until("\"XRANGE\" \"scripts:{read}:s\" \"19-0\""), "scripts:{read}:s");
  ASSERT_EQ(reads.size(), 3u) << "the trim's look at the head, the oldest retained, the messages";
  EXPECT_TRUE(reads[0].ends_with("\"-\" \"+\" \"COUNT\" \"1\"")) << reads[0];
  EXPECT_TRUE(reads[1].ends_with("\"-\" \"+\" \"COUNT\" \"1\"")) << reads[1];
}

}  // namespace
}  // namespace herald
