// The peer policy: every range refused by default, in IPv4, IPv6 and IPv4-mapped form, public addresses
// allowed, and turn.allow_peers admitting refused addresses it covers (and only those).
#include "turn/peer_policy.hpp"

#include <gtest/gtest.h>

namespace herald::turn {
namespace {

boost::asio::ip::address ip(const char* text) { return boost::asio::ip::make_address(text); }

std::vector<AddressRange> ranges(std::initializer_list<const char*> texts) {
  std::vector<AddressRange> parsed;
  for (const char* text : texts) parsed.push_back(*AddressRange::parse(text));
  return parsed;
}

TEST(PeerPolicy, RefusesEveryRestrictedRangeByDefault) {
  PeerPolicy policy({});
  for (const char* address :
       {"0.0.0.0",    "0.1.2.3",     "10.0.0.1",        "10.255.255.255", "100.64.0.1",      "127.0.0.1",
        "127.1.2.3",  "169.254.1.1", "172.16.0.1",      "172.31.255.255", "192.0.0.8",       "192.168.1.1",
        "198.18.0.1", "224.0.0.1",   "239.255.255.250", "240.0.0.1",      "255.255.255.255", "::",
        "::1",        "fc00::1",     "fd12:3456::1",    "fe80::1",        "febf::1",         "ff02::1",
        "ff0e::1",    "64:ff9b:1::1"})
    EXPECT_FALSE(policy.allows(ip(address))) << address;
}

TEST(PeerPolicy, RefusesIpv4MappedFormsOfRestrictedAddresses) {
  PeerPolicy policy({});
  for (const char* address :
       {"::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:192.168.0.1", "::ffff:169.254.0.1", "::ffff:224.0.0.1",
        "::ffff:0.0.0.0", "::ffff:255.255.255.255", "::ffff:172.20.0.1"})
    EXPECT_FALSE(policy.allows(ip(address))) << address;
}

TEST(PeerPolicy, AllowsPublicAddresses) {
  PeerPolicy policy({});
  for (const char* address :
       {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1", "192.169.0.1",
        "2001:db8::1", "2606:4700::1111", "::ffff:8.8.4.4"})
    EXPECT_TRUE(policy.allows(ip(address))) << address;
}

TEST(PeerPolicy, AllowPeersAdmitsWhatItCovers) {
  PeerPolicy policy(ranges({"127.0.0.0/8", "fd00::/8", "10.1.0.0/16"}));
  EXPECT_TRUE(policy.allows(ip("127.0.0.1")));
  EXPECT_TRUE(policy.allows(ip("127.200.0.1")));
  EXPECT_TRUE(policy.allows(ip("::ffff:127.0.0.1")));  // the mapped form counts as the IPv4 address
  EXPECT_TRUE(policy.allows(ip("fd00::5")));
  EXPECT_TRUE(policy.allows(ip("10.1.2.3")));
  EXPECT_FALSE(policy.allows(ip("10.2.0.1")));
  EXPECT_FALSE(policy.allows(ip("::1")));
  EXPECT_FALSE(policy.allows(ip("fc00::1")));
  EXPECT_FALSE(policy.allows(ip("192.168.0.1")));
}

TEST(PeerPolicy, RestrictedIsIndependentOfAllowPeers) {
  EXPECT_TRUE(PeerPolicy::is_restricted(ip("127.0.0.1")));
  EXPECT_FALSE(PeerPolicy::is_restricted(ip("203.0.114.1")));
}

}  // namespace
}  // namespace herald::turn
