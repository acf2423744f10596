// The Redis engine's wire pieces without a server: commands formatted as RESP, replies parsed from bytes
// in any split, and redis:// URLs.
#include <gtest/gtest.h>

#include "engine/redis/redis_endpoint.hpp"
#include "engine/redis/resp.hpp"

namespace herald::redis {
namespace {

TEST(Resp, FormatsCommandsBinarySafe) {
  EXPECT_EQ(format_command({"SET", "k", "v"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  std::string binary("a\r\nb\0c", 6);
  EXPECT_EQ(format_command({"ECHO", binary}), std::string("*2\r\n$4\r\nECHO\r\n$6\r\na\r\nb\0c\r\n", 26));
  EXPECT_EQ(format_command({"PING", ""}), "*2\r\n$4\r\nPING\r\n$0\r\n\r\n");
}

TEST(Resp, ParsesEveryReplyTypeFedOneByteAtATime) {
  std::string bytes = "+OK\r\n-ERR bad\r\n:42\r\n$-1\r\n$5\r\nhe\r\no\r\n*2\r\n*1\r\n:1\r\n$0\r\n\r\n";
  ReplyReader reader;
  std::vector<Reply> replies;
  for (char c : bytes) {
    reader.feed(&c, 1);
    while (auto reply = reader.next()) replies.push_back(std::move(*reply));
  }
  ASSERT_FALSE(reader.failed());
  ASSERT_EQ(replies.size(), 6u);
  EXPECT_EQ(replies[0].type, Reply::Type::status);
  EXPECT_EQ(replies[0].text, "OK");
  EXPECT_TRUE(replies[1].is_error());
  EXPECT_EQ(replies[1].text, "ERR bad");
  EXPECT_EQ(replies[2].integer, 42);
  EXPECT_TRUE(replies[3].is_nil());
  EXPECT_EQ(replies[4].text, "he\r\no");
  ASSERT_TRUE(replies[5].is_array());
  ASSERT_EQ(replies[5].elements.size(), 2u);
  EXPECT_EQ(replies[5].elements[0].elements[0].integer, 1);
  EXPECT_EQ(replies[5].elements[1].text, "");
}

TEST(Resp, ABrokenStreamFailsTheReader) {
  ReplyReader reader;
  std::string bytes = "?what\r\n";
  reader.feed(bytes.data(), bytes.size());
  EXPECT_FALSE(reader.next());
  EXPECT_TRUE(reader.failed());
  EXPECT_FALSE(reader.error().empty());
}

TEST(RedisUrl, ParsesEveryPart) {
  std::string problem;
  auto full = parse_redis_url("redis://user:secret@cache.example:6380/3", problem);
  ASSERT_TRUE(full) << problem;
  EXPECT_EQ(full->host, "cache.example");
  EXPECT_EQ(full->port, "6380");
  EXPECT_EQ(full->user, "user");
  EXPECT_EQ(full->password, "secret");
  EXPECT_EQ(full->db, 3);
  EXPECT_EQ(full->to_string(), "redis://cache.example:6380/3") << "no credentials in logs";
  auto plain = parse_redis_url("redis://127.0.0.1", problem);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->port, "6379");
  EXPECT_EQ(plain->db, 0);
  auto password_only = parse_redis_url("redis://secret@h:1", problem);
  ASSERT_TRUE(password_only);
  EXPECT_EQ(password_only->user, "");
  EXPECT_EQ(password_only->password, "secret");
  auto ipv6 = parse_redis_url("redis://[::1]:7000", problem);
  ASSERT_TRUE(ipv6);
  EXPECT_EQ(ipv6->host, "::1");
  EXPECT_EQ(ipv6->to_string(), "redis://[::1]:7000");
}

TEST(RedisUrl, RefusesWhatItCannotUse) {
  for (const char* url : {"http://h:1", "redis://", "redis://h:0", "redis://h:99999", "redis://h:1/x",
                          "redis://h:1/-1", "redis://h:1/?db=2", "h:6379"}) {
    std::string problem;
    EXPECT_FALSE(parse_redis_url(url, problem)) << url;
    EXPECT_FALSE(problem.empty()) << url;
  }
}

TEST(RedisUrl, ParsesClusterNodes) {
  Endpoint base;
  base.password = "secret";
  auto node = parse_host_port("10.0.0.5:7001", base);
  ASSERT_TRUE(node);
  EXPECT_EQ(node->host, "10.0.0.5");
  EXPECT_EQ(node->port, "7001");
  EXPECT_EQ(node->password, "secret");
  EXPECT_EQ(parse_host_port("[::1]:7000", base)->host, "::1");
  EXPECT_FALSE(parse_host_port("nohost", base));
  EXPECT_FALSE(parse_host_port(":7000", base));
  EXPECT_FALSE(parse_host_port("h:70000", base));
}

}  // namespace
}  // namespace herald::redis
