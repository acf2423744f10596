// Room JSON: the join reply lists everyone but the client itself; peer pushes carry the peer.
#include "protocol/signaling/room_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace herald {
namespace {
namespace json = boost::json;

TEST(RoomJson, JoinReplyListsThePeersButYou) {
  PresenceClients present{{"a", "ann", R"({"n":1})"}, {"me", "", ""}, {"b", "", ""}};
  auto reply = json::parse(join_reply_fields("call:1", "me", present)).as_object();
  EXPECT_EQ(reply.at("room"), "call:1");
  EXPECT_EQ(reply.at("you"), "me");
  const auto& peers = reply.at("peers").as_array();
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0].at("id"), "a");
  EXPECT_EQ(peers[0].at("user"), "ann");
  EXPECT_EQ(peers[0].at("info").at("n"), 1);
  EXPECT_EQ(peers[1].at("id"), "b");
  EXPECT_TRUE(peers[1].at("user").is_null());
}

TEST(RoomJson, AloneInTheRoom) {
  auto reply = json::parse(join_reply_fields("r", "me", {{"me", "", ""}})).as_object();
  EXPECT_TRUE(reply.at("peers").as_array().empty());
}

TEST(RoomJson, PeerPushes) {
  auto joined = json::parse(peer_push({"r", PresenceChange::join, {"a", "ann", ""}})).as_object();
  EXPECT_EQ(joined.at("op"), "peer_joined");
  EXPECT_EQ(joined.at("room"), "r");
  EXPECT_EQ(joined.at("peer").at("id"), "a");
  auto left = json::parse(peer_push({"r", PresenceChange::leave, {"a", "", ""}})).as_object();
  EXPECT_EQ(left.at("op"), "peer_left");
  EXPECT_EQ(left.at("peer").at("id"), "a");
}

}  // namespace
}  // namespace herald
