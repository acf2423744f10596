// The Redis engine's presence entries and pub/sub frames (engine/redis/presence_codec.hpp), as its
// scripts write them: decoded back, listed in join order, and anything malformed refused.
#include "engine/redis/presence_codec.hpp"

#include <gtest/gtest.h>

namespace herald::redis {
namespace {

TEST(PresenceCodec, DecodesAnEntry) {
  auto entry = decode_presence_entry("c1", "7\nnodeA-0\n5\nalice{\"name\":\"Alice\"}");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->order, 7u);
  EXPECT_EQ(entry->node, "nodeA-0");
  EXPECT_EQ(entry->client.id, "c1");
  EXPECT_EQ(entry->client.user, "alice");
  EXPECT_EQ(entry->client.info_json, R"({"name":"Alice"})");
}

TEST(PresenceCodec, AUserMayHoldNewlinesAndDigits) {
  auto entry = decode_presence_entry("c1", "1\nn\n4\na\n2\n[1]");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->client.user, "a\n2\n");
  EXPECT_EQ(entry->client.info_json, "[1]");
}

TEST(PresenceCodec, AnAnonymousClientWithoutInfo) {
  auto entry = decode_presence_entry("c1", "1\nn\n0\n");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->client.user, "");
  EXPECT_EQ(entry->client.info_json, "");
}

TEST(PresenceCodec, RefusesMalformedEntries) {
  EXPECT_FALSE(decode_presence_entry("c1", ""));
  EXPECT_FALSE(decode_presence_entry("c1", "x\nn\n0\n"));      // order not a number
  EXPECT_FALSE(decode_presence_entry("c1", "1\nn\n9\nabc"));   // user longer than the rest
  EXPECT_FALSE(decode_presence_entry("c1", "1\nn\n"));         // no user length
  EXPECT_FALSE(decode_presence_entry("c1", "1\nn\n-1\nabc"));  // negative length
  EXPECT_FALSE(decode_presence_entry("", "1\nn\n0\n"));        // no client id
}

TEST(PresenceCodec, ListsInJoinOrderAndLeavesOutMalformedEntries) {
  std::vector<std::string_view> hash{"b", "10\nn\n0\n", "a", "2\nn\n0\n", "bad", "zz", "c", "9\nm\n0\n"};
  PresenceClients clients = presence_list(hash);
  ASSERT_EQ(clients.size(), 3u);
  EXPECT_EQ(clients[0].id, "a");  // orders compare as numbers: 2 < 9 < 10
  EXPECT_EQ(clients[1].id, "c");
  EXPECT_EQ(clients[2].id, "b");
}

TEST(PresenceCodec, DecodesJoinAndLeaveFrames) {
  auto join = decode_presence_frame("room", "!p\nj\nc1\n3\nbob{\"v\":1}");
  ASSERT_TRUE(join);
  EXPECT_EQ(join->channel, "room");
  EXPECT_EQ(join->change, PresenceChange::join);
  EXPECT_EQ(join->client.id, "c1");
  EXPECT_EQ(join->client.user, "bob");
  EXPECT_EQ(join->client.info_json, R"({"v":1})");
  auto leave = decode_presence_frame("room", "!p\nl\nc1\n0\n");
  ASSERT_TRUE(leave);
  EXPECT_EQ(leave->change, PresenceChange::leave);
  EXPECT_EQ(leave->client.id, "c1");
}

TEST(PresenceCodec, AMessageIsNeverTakenForAFrame) {
  // A message payload starts with its epoch: letters and digits.
  EXPECT_FALSE(is_presence_frame("k3j2h1g0\n1\n1700000000000\nmessage\n{}"));
  EXPECT_TRUE(is_presence_frame("!p\nj\nc1\n0\n"));
  EXPECT_FALSE(decode_presence_frame("room", "k3j2h1g0\n1\n1700000000000\nmessage\n{}"));
}

TEST(PresenceCodec, RefusesMalformedFrames) {
  EXPECT_FALSE(decode_presence_frame("room", "!p\nx\nc1\n0\n"));  // neither join nor leave
  EXPECT_FALSE(decode_presence_frame("room", "!p\nj\n\n0\n"));    // no client id
  EXPECT_FALSE(decode_presence_frame("room", "!p\nj\nc1\n5\nab"));
  EXPECT_FALSE(decode_presence_frame("room", "!p\nj\nc1"));
}

}  // namespace
}  // namespace herald::redis
