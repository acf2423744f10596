// Allocations and their table: quotas (total and per user), expiry, permissions (300 s), channel
// bindings (600 s, with RFC 8656's rebinding rules and quarantine), the bandwidth budget, the relay port
// pool, and the parsing of the [turn] settings the server starts from.
#include "turn/allocation_table.hpp"

#include <gtest/gtest.h>

#include "turn/relay_ports.hpp"
#include "turn/turn_settings.hpp"

namespace herald::turn {
namespace {

boost::asio::ip::address ip(const char* text) { return boost::asio::ip::make_address(text); }

ClientKey client(std::uint16_t port, ClientProtocol protocol = ClientProtocol::udp) {
  return {protocol, {ip("127.0.0.1"), port}};
}

Allocation allocation_of(std::string user, std::uint16_t port, double expires = 600) {
  Allocation allocation;
  allocation.client = client(port);
  allocation.user = std::move(user);
  allocation.expires = expires;
  return allocation;
}

TEST(AllocationTable, TotalQuotaThenPerUserQuota) {
  AllocationTable table(3, 2);
  EXPECT_FALSE(table.refusal_for("alice"));
  table.insert(allocation_of("alice", 1));
  table.insert(allocation_of("alice", 2));
  EXPECT_EQ(table.refusal_for("alice"), QuotaRefusal::user_quota);
  EXPECT_FALSE(table.refusal_for("bob"));
  table.insert(allocation_of("bob", 3));
  EXPECT_EQ(table.refusal_for("bob"), QuotaRefusal::capacity);
  EXPECT_EQ(table.refusal_for("carol"), QuotaRefusal::capacity);
  EXPECT_TRUE(table.erase(client(1)));
  EXPECT_FALSE(table.erase(client(1)));
  EXPECT_EQ(table.count_of("alice"), 1u);
  EXPECT_FALSE(table.refusal_for("alice"));
}

TEST(AllocationTable, KeyedByProtocolAndTransportAddress) {
  AllocationTable table(10, 10);
  table.insert(allocation_of("a", 5000));
  EXPECT_NE(table.find(client(5000)), nullptr);
  EXPECT_EQ(table.find(client(5000, ClientProtocol::tcp)), nullptr);
  EXPECT_EQ(table.find(client(5001)), nullptr);
}

TEST(AllocationTable, ExpiredAllocations) {
  AllocationTable table(10, 10);
  table.insert(allocation_of("a", 1, 100));
  table.insert(allocation_of("a", 2, 200));
  EXPECT_TRUE(table.expired(99).empty());
  auto expired = table.expired(100);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0], client(1));
  EXPECT_EQ(table.expired(200).size(), 2u);
}

TEST(Allocation, PermissionsLastTheirLifetimeAndAreRefreshed) {
  Allocation allocation;
  allocation.permit(ip("203.0.113.5"), 0, 300);
  EXPECT_TRUE(allocation.has_permission(ip("203.0.113.5"), 299));
  EXPECT_FALSE(allocation.has_permission(ip("203.0.113.6"), 1));  // permissions are per IP address
  EXPECT_FALSE(allocation.has_permission(ip("203.0.113.5"), 300));
  allocation.permit(ip("203.0.113.5"), 250, 300);
  EXPECT_TRUE(allocation.has_permission(ip("203.0.113.5"), 549));
  allocation.drop_expired(550);
  EXPECT_TRUE(allocation.permissions.empty());
}

TEST(Allocation, ChannelBindingRules) {
  Allocation allocation;
  stun::TransportAddress peer{ip("203.0.113.5"), 4000};
  stun::TransportAddress other{ip("203.0.113.5"), 4001};
  EXPECT_EQ(allocation.bind(0x4000, peer, 0, 600), BindResult::bound);
  EXPECT_EQ(allocation.bind(0x4000, peer, 10, 600), BindResult::bound);  // a refresh
  EXPECT_EQ(allocation.bind(0x4000, other, 20, 600), BindResult::number_in_use);
  EXPECT_EQ(allocation.bind(0x4001, peer, 20, 600), BindResult::peer_in_use);
  EXPECT_EQ(allocation.bind(0x4001, other, 20, 600), BindResult::bound);
  ASSERT_NE(allocation.channel_peer(0x4000, 609), nullptr);
  EXPECT_EQ(*allocation.channel_peer(0x4000, 609), peer);
  EXPECT_EQ(allocation.channel_of(peer, 609), 0x4000);
  EXPECT_EQ(allocation.channel_peer(0x4000, 610), nullptr);  // expired: carries no more data
  EXPECT_FALSE(allocation.channel_of(peer, 610));
  stun::TransportAddress third{ip("203.0.113.7"), 1};
  EXPECT_EQ(allocation.bind(0x4000, third, 700, 600), BindResult::number_in_use);  // quarantined 5 minutes
  EXPECT_EQ(allocation.bind(0x4000, peer, 700, 600), BindResult::bound);  // the same peer may come back
  allocation.drop_expired(1300 + kChannelQuarantine);
  EXPECT_TRUE(allocation.channels.empty());
  EXPECT_EQ(allocation.bind(0x4000, third, 2000, 600), BindResult::bound);
}

TEST(Allocation, BandwidthBudgetInBytes) {
  Allocation allocation;
  EXPECT_TRUE(allocation.take_bandwidth(1 << 20, 0));  // no bound
  allocation.bandwidth.emplace(1000, 1000, 0);
  EXPECT_TRUE(allocation.take_bandwidth(600, 0));
  EXPECT_FALSE(allocation.take_bandwidth(600, 0));
  EXPECT_TRUE(allocation.take_bandwidth(600, 0.3));  // 300 more bytes flowed in
}

TEST(RelayPorts, HandsOutEveryPortOnceAndReusesTheOldestLast) {
  RelayPorts ports({50000, 50002});
  EXPECT_EQ(ports.take(), 50000);
  EXPECT_EQ(ports.take(), 50001);
  ports.give_back(50000);
  EXPECT_EQ(ports.take(), 50002);
  EXPECT_EQ(ports.take(), 50000);
  EXPECT_FALSE(ports.take());
  EXPECT_EQ(ports.free_count(), 0u);
  ports.give_back(50001);
  ports.give_back(50001);  // twice: still one port
  ports.give_back(40000);  // outside the range: ignored
  EXPECT_EQ(ports.free_count(), 1u);
  EXPECT_EQ(ports.take(), 50001);
}

TEST(RelayPorts, EvenPortsWhenAsked) {
  RelayPorts ports({50001, 50005});
  EXPECT_EQ(ports.take(true), 50002);
  EXPECT_EQ(ports.take(true), 50004);
  EXPECT_FALSE(ports.take(true));
  EXPECT_EQ(ports.take(), 50005);  // the turn goes on from the last port taken
  EXPECT_EQ(ports.take(), 50001);
}

TEST(TurnSettings, ParsesPortRangesAndHostPorts) {
  auto range = parse_port_range("49160-49200");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->first, 49160);
  EXPECT_EQ(range->last, 49200);
  EXPECT_TRUE(parse_port_range("5-5"));
  for (const char* bad : {"", "49160", "49200-49160", "0-10", "1-65536", "a-b", "1-2-3", " 1-2"})
    EXPECT_FALSE(parse_port_range(bad)) << bad;
  auto listen = parse_host_port("[::1]:3478");
  ASSERT_TRUE(listen);
  EXPECT_EQ(listen->address, ip("::1"));
  EXPECT_EQ(listen->port, 3478);
  EXPECT_EQ(parse_host_port("localhost:3478")->address, ip("127.0.0.1"));
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "example.test:3478", ":3478"})
    EXPECT_FALSE(parse_host_port(bad)) << bad;
}

TEST(TurnSettings, FromTheConfiguration) {
  Config config;
  config.turn_listen = "127.0.0.1:3478";
  config.turn_secret = "s";
  config.turn_allow_peers = {"127.0.0.0/8"};
  TurnSettings settings = turn_settings(config);
  EXPECT_EQ(settings.relay_address, ip("127.0.0.1"));  // the listen host by default
  EXPECT_EQ(settings.relay_ports.first, 49160);
  EXPECT_EQ(settings.allocation_lifetime, 600);
  EXPECT_EQ(settings.max_allocation_lifetime, 3600);
  config.turn_relay_address = "127.0.0.2";
  EXPECT_EQ(turn_settings(config).relay_address, ip("127.0.0.2"));
  config.turn_relay_ports = "9-1";
  EXPECT_THROW(turn_settings(config), std::invalid_argument);
}

}  // namespace
}  // namespace herald::turn
