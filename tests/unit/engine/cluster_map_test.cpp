// Redis Cluster slots without a cluster: key slots (the specification's examples), redirections, and
// the slot table read from a CLUSTER SLOTS reply.
#include "engine/redis/cluster_map.hpp"

#include <gtest/gtest.h>

namespace herald::redis {
namespace {

Reply integer(long long value) {
  Reply reply;
  reply.type = Reply::Type::integer;
  reply.integer = value;
  return reply;
}

Reply text(std::string value) {
  Reply reply;
  reply.type = Reply::Type::string;
  reply.text = std::move(value);
  return reply;
}

Reply array(std::vector<Reply> elements) {
  Reply reply;
  reply.type = Reply::Type::array;
  reply.elements = std::move(elements);
  return reply;
}

Reply range(long long start, long long end, std::string host, long long port) {
  return array({integer(start), integer(end), array({text(std::move(host)), integer(port), text("id")})});
}

TEST(ClusterMap, SlotsOfKeysAsRedisComputesThem) {
  EXPECT_EQ(slot_of("123456789"), 12739);  // CRC16 = 0x31C3, the specification's test vector
  EXPECT_EQ(slot_of("foo"), 12182);        // CLUSTER KEYSLOT foo
  EXPECT_EQ(slot_of(""), 0);
}

TEST(ClusterMap, AHashTagChoosesTheSlot) {
  EXPECT_EQ(slot_of("{user1000}.following"), slot_of("user1000"));
  EXPECT_EQ(slot_of("herald:{room}:m"), slot_of("herald:{room}:s"));
  EXPECT_EQ(slot_of("herald:{room}"), slot_of("room"));
  EXPECT_EQ(slot_of("a{}b"), slot_of("a{}b"));  // an empty tag: the whole key
  EXPECT_NE(slot_of("{}room"), slot_of("room"));
  EXPECT_EQ(slot_of("x{room}{other}"), slot_of("room"));  // the first tag
  EXPECT_EQ(slot_of("x{unclosed"), slot_of("x{unclosed"));
}

TEST(ClusterMap, ParsesRedirections) {
  auto moved = parse_redirection("MOVED 3999 127.0.0.1:6381");
  ASSERT_TRUE(moved);
  EXPECT_FALSE(moved->ask);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->node, "127.0.0.1:6381");
  auto ask = parse_redirection("ASK 12 [::1]:7000");
  ASSERT_TRUE(ask);
  EXPECT_TRUE(ask->ask);
  EXPECT_EQ(ask->node, "[::1]:7000");
  for (const char* other :
       {"NOSCRIPT No matching script", "MOVED", "MOVED x 1:2", "MOVED 16384 h:1", "MOVED 1 "})
    EXPECT_FALSE(parse_redirection(other)) << other;
}

TEST(ClusterMap, LoadsTheMastersOfEverySlot) {
  SlotTable table;
  EXPECT_FALSE(table.known());
  EXPECT_EQ(table.owner(5), "");
  ASSERT_TRUE(table.load(array({range(0, 5460, "10.0.0.1", 7000), range(5461, 10922, "", 7001),
                                range(10923, 16383, "10.0.0.3", 7002)}),
                         "10.0.0.9"));
  EXPECT_TRUE(table.known());
  EXPECT_EQ(table.owner(0), "10.0.0.1:7000");
  EXPECT_EQ(table.owner(5460), "10.0.0.1:7000");
  EXPECT_EQ(table.owner(5461), "10.0.0.9:7001") << "a master without a host is where the reply came from";
  EXPECT_EQ(table.owner(16383), "10.0.0.3:7002");
  EXPECT_EQ(table.masters().size(), 3u);
}

TEST(ClusterMap, AMovedSlotChangesOwner) {
  SlotTable table;
  ASSERT_TRUE(table.load(array({range(0, 16383, "h", 1)}), "h"));
  table.set(42, "other:2");
  EXPECT_EQ(table.owner(42), "other:2");
  EXPECT_EQ(table.owner(43), "h:1");
  EXPECT_EQ(table.masters().size(), 2u);
}

TEST(ClusterMap, RefusesWhatIsNotASlotTable) {
  SlotTable table;
  EXPECT_FALSE(table.load(text("nope"), "h"));
  EXPECT_FALSE(table.load(array({array({integer(0), integer(20000), array({text("h"), integer(1)})})}), "h"));
  EXPECT_FALSE(table.load(array({array({integer(0), integer(1)})}), "h"));
  EXPECT_FALSE(table.known());
}

}  // namespace
}  // namespace herald::redis
