// The per-address table: connection counts given back with their tickets, token buckets per address
// and per IPv6 network, and forgetting addresses that left.
#include "runtime/client_limits.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

boost::asio::ip::address ip(const char* text) { return boost::asio::ip::make_address(text); }

Config limited(std::size_t connections, double connection_rate, std::size_t burst = 0) {
  Config config;
  config.connections_per_ip = connections;
  config.connection_rate_per_ip = Rate{connection_rate};
  config.connection_burst_per_ip = burst;
  return config;
}

TEST(ClientLimitsTest, NoLimitsAdmitsEveryoneAndTracksNothing) {
  Config config;
  ClientLimits limits(config);
  EXPECT_FALSE(limits.limits_connections());
  auto key = limits.key_of(ip("192.0.2.1"));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(std::holds_alternative<ClientTicket>(limits.admit(key, 0)));
  EXPECT_FALSE(limits.take(ClientLimit::publish_rate, key, 0));
  EXPECT_EQ(limits.tracked(), 0u);
}

TEST(ClientLimitsTest, ConnectionCountIsGivenBackWithTheTicket) {
  Config config = limited(2, 0);
  ClientLimits limits(config);
  double now = ClientLimits::now();
  auto key = limits.key_of(ip("192.0.2.1"));
  auto first = limits.admit(key, now);
  auto second = limits.admit(key, now);
  ASSERT_TRUE(std::holds_alternative<ClientTicket>(first));
  ASSERT_TRUE(std::holds_alternative<ClientTicket>(second));
  auto third = limits.admit(key, now);
  ASSERT_TRUE(std::holds_alternative<LimitRefusal>(third));
  EXPECT_EQ(std::get<LimitRefusal>(third).limit, ClientLimit::connections);
  EXPECT_TRUE(std::holds_alternative<ClientTicket>(limits.admit(limits.key_of(ip("192.0.2.2")), now)))
      << "another address has its own count";
  first = ClientTicket();  // the first connection closes
  EXPECT_TRUE(std::holds_alternative<ClientTicket>(limits.admit(key, now)));
}

TEST(ClientLimitsTest, NewConnectionsAreRateLimitedWithARetryTime) {
  Config config = limited(0, 2, 2);
  ClientLimits limits(config);
  double now = ClientLimits::now();
  auto key = limits.key_of(ip("198.51.100.1"));
  EXPECT_TRUE(std::holds_alternative<ClientTicket>(limits.admit(key, now)));
  EXPECT_TRUE(std::holds_alternative<ClientTicket>(limits.admit(key, now)));
  auto refused = limits.admit(key, now);
  ASSERT_TRUE(std::holds_alternative<LimitRefusal>(refused));
  EXPECT_EQ(std::get<LimitRefusal>(refused).limit, ClientLimit::connection_rate);
  EXPECT_NEAR(std::get<LimitRefusal>(refused).retry_after_seconds, 0.5, 1e-9);
  EXPECT_TRUE(std::holds_alternative<ClientTicket>(limits.admit(key, now + 0.5)));
}

TEST(ClientLimitsTest, PublishAndCommandBucketsAreSeparate) {
  Config config;
  config.publish_rate_per_ip = Rate{1};
  config.command_rate_per_ip = Rate{5};
  config.command_burst_per_ip = 3;
  ClientLimits limits(config);
  double now = ClientLimits::now();
  auto key = limits.key_of(ip("203.0.113.4"));
  EXPECT_FALSE(limits.take(ClientLimit::publish_rate, key, now)) << "a burst of 0 is one second's worth";
  auto refused = limits.take(ClientLimit::publish_rate, key, now);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->limit, ClientLimit::publish_rate);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limits.take(ClientLimit::command_rate, key, now));
  EXPECT_TRUE(limits.take(ClientLimit::command_rate, key, now));
}

TEST(ClientLimitsTest, IPv6ClientsAreCountedByNetwork) {
  Config config = limited(1, 0);
  ClientLimits limits(config);
  double now = ClientLimits::now();
  auto held = limits.admit(limits.key_of(ip("2001:db8:1:2::1")), now);
  ASSERT_TRUE(std::holds_alternative<ClientTicket>(held));
  EXPECT_TRUE(std::holds_alternative<LimitRefusal>(limits.admit(limits.key_of(ip("2001:db8:1:2:ffff::9")), now)))
      << "the same /64";
  EXPECT_TRUE(std::holds_alternative<ClientTicket>(limits.admit(limits.key_of(ip("2001:db8:1:3::1")), now)));
  EXPECT_EQ(limits.key_of(ip("::ffff:192.0.2.1")), limits.key_of(ip("192.0.2.1")));
}

TEST(ClientLimitsTest, SweepForgetsOnlyAddressesThatLeftAndRefilled) {
  Config config = limited(5, 1, 1);
  ClientLimits limits(config);
  double now = ClientLimits::now();
  auto open = limits.admit(limits.key_of(ip("192.0.2.10")), now);
  { auto closed = limits.admit(limits.key_of(ip("192.0.2.11")), now); }
  EXPECT_EQ(limits.tracked(), 2u) << "the closed one's bucket is not full yet";
  limits.sweep(now + 0.5);
  EXPECT_EQ(limits.tracked(), 2u);
  limits.sweep(now + 1.5);
  EXPECT_EQ(limits.tracked(), 1u) << "the address with an open connection stays";
}

}  // namespace
}  // namespace herald
