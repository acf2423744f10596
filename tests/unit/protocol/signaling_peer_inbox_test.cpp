// Peer inboxes: the inbox name no client can use, and signals through an inbox message and back.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/channel_name.hpp"
#include "protocol/signaling/peer_inbox.hpp"

namespace herald {
namespace {

TEST(PeerInbox, NameIsOutsideTheChannelAlphabet) {
  std::string inbox = inbox_channel("0123abcd");
  EXPECT_EQ(inbox, "$peer:0123abcd");
  EXPECT_FALSE(is_valid_channel_name(inbox));
}

TEST(PeerInbox, SignalRoundTripsToThePush) {
  std::string data = signal_message_json("call:1", "from-id", R"({"type":"offer","sdp":"v=0\r\n"})");
  auto signal = read_signal_message(data);
  ASSERT_TRUE(signal);
  EXPECT_EQ(signal->room, "call:1");
  auto push = boost::json::parse(signal->push).as_object();
  EXPECT_EQ(push.at("op"), "signal");
  EXPECT_EQ(push.at("room"), "call:1");
  EXPECT_EQ(push.at("from"), "from-id");
  EXPECT_EQ(push.at("data").at("sdp"), "v=0\r\n");
}

TEST(PeerInbox, RoomNamesAreEscaped) {
  // Channel names never need escaping, but the encoding must not depend on it.
  auto signal = read_signal_message(signal_message_json("a\"b", "f", "1"));
  ASSERT_TRUE(signal);
  EXPECT_EQ(signal->room, "a\"b");
  EXPECT_NO_THROW(boost::json::parse(signal->push));
}

TEST(PeerInbox, OtherDataIsNotASignal) {
  EXPECT_FALSE(read_signal_message("not json"));
  EXPECT_FALSE(read_signal_message("[1,2]"));
  EXPECT_FALSE(read_signal_message(R"({"room":"r","from":"f"})"));
  EXPECT_FALSE(read_signal_message(R"({"room":1,"from":"f","data":1})"));
  EXPECT_FALSE(read_signal_message(R"({"room":"r","data":1})"));
}

}  // namespace
}  // namespace herald
