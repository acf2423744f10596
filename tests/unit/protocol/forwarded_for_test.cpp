// Address ranges and the client behind trusted proxies (X-Forwarded-For), without sockets.
#include "protocol/http/forwarded_for.hpp"

#include <gtest/gtest.h>

#include "protocol/net/address_range.hpp"

namespace herald {
namespace {

boost::asio::ip::address ip(const char* text) { return boost::asio::ip::make_address(text); }

std::vector<AddressRange> ranges(std::initializer_list<const char*> texts) {
  std::vector<AddressRange> parsed;
  for (const char* text : texts) parsed.push_back(*AddressRange::parse(text));
  return parsed;
}

TEST(AddressRangeTest, ParsesAddressesAndPrefixes) {
  EXPECT_EQ(AddressRange::parse("10.1.2.3/8")->to_string(), "10.0.0.0/8");
  EXPECT_EQ(AddressRange::parse("127.0.0.1")->to_string(), "127.0.0.1/32");
  EXPECT_EQ(AddressRange::parse("fd00::1/8")->to_string(), "fd00::/8");
  EXPECT_EQ(AddressRange::parse("::1")->to_string(), "::1/128");
  EXPECT_EQ(AddressRange::parse("::ffff:10.0.0.0/104")->to_string(), "10.0.0.0/8");
  EXPECT_EQ(AddressRange::parse("0.0.0.0/0")->to_string(), "0.0.0.0/0");
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/8x", "10.0.0", "host.example",
                          "10.0.0.0/-1", "::ffff:10.0.0.0/95", " 10.0.0.1"})
    EXPECT_FALSE(AddressRange::parse(bad)) << bad;
}

TEST(AddressRangeTest, ContainsMatchesTheFamilyAndThePrefix) {
  auto net = *AddressRange::parse("192.168.0.0/16");
  EXPECT_TRUE(net.contains(ip("192.168.255.1")));
  EXPECT_TRUE(net.contains(ip("::ffff:192.168.1.1"))) << "an IPv4-mapped address is its IPv4 address";
  EXPECT_FALSE(net.contains(ip("192.169.0.1")));
  EXPECT_FALSE(net.contains(ip("::1")));
  auto v6 = *AddressRange::parse("2001:db8::/33");
  EXPECT_TRUE(v6.contains(ip("2001:db8:7fff::1")));
  EXPECT_FALSE(v6.contains(ip("2001:db8:8000::1")));
  EXPECT_TRUE(AddressRange::parse("0.0.0.0/0")->contains(ip("8.8.8.8")));
  EXPECT_FALSE(AddressRange::parse("0.0.0.0/0")->contains(ip("2001:db8::1")));
}

TEST(ForwardedForTest, AnUntrustedPeerIsTheClientWhateverItSends) {
  auto trusted = ranges({"10.0.0.0/8"});
  EXPECT_EQ(client_address(ip("203.0.113.9"), "127.0.0.1", trusted), ip("203.0.113.9"));
  EXPECT_EQ(client_address(ip("203.0.113.9"), "", {}), ip("203.0.113.9"));
}

TEST(ForwardedForTest, ATrustedProxyNamesTheClient) {
  auto trusted = ranges({"10.0.0.0/8", "::1"});
  EXPECT_EQ(client_address(ip("10.0.0.2"), "198.51.100.7", trusted), ip("198.51.100.7"));
  EXPECT_EQ(client_address(ip("::1"), " 198.51.100.7 ", trusted), ip("198.51.100.7"));
  EXPECT_EQ(client_address(ip("10.0.0.2"), "", trusted), ip("10.0.0.2")) << "no header: the proxy itself";
}

TEST(ForwardedForTest, TheChainIsReadFromTheRightThroughTrustedHopsOnly) {
  auto trusted = ranges({"10.0.0.0/8"});
  // The client wrote "1.1.1.1" itself; the proxies appended what they saw.
  EXPECT_EQ(client_address(ip("10.0.0.2"), "1.1.1.1, 198.51.100.7, 10.0.0.5", trusted), ip("198.51.100.7"));
  EXPECT_EQ(client_address(ip("10.0.0.2"), "10.0.0.7, 10.0.0.5", trusted), ip("10.0.0.7"))
      << "every hop trusted: the leftmost";
  EXPECT_EQ(client_address(ip("10.0.0.2"), "198.51.100.7, garbage, 10.0.0.5", trusted), ip("10.0.0.5"))
      << "an entry that is not an address stops the walk at the last trusted hop";
  EXPECT_EQ(client_address(ip("10.0.0.2"), "198.51.100.7,,", trusted), ip("10.0.0.2"));
}

TEST(ForwardedForTest, EntriesWithPortsAndBracketsAreRead) {
  auto trusted = ranges({"127.0.0.0/8"});
  EXPECT_EQ(client_address(ip("127.0.0.1"), "198.51.100.7:4711", trusted), ip("198.51.100.7"));
  EXPECT_EQ(client_address(ip("127.0.0.1"), "[2001:db8::5]:4711", trusted), ip("2001:db8::5"));
  EXPECT_EQ(client_address(ip("127.0.0.1"), "2001:db8::5", trusted), ip("2001:db8::5"));
  EXPECT_EQ(client_address(ip("127.0.0.1"), "::ffff:198.51.100.7", trusted), ip("198.51.100.7"));
  EXPECT_EQ(client_address(ip("::ffff:127.0.0.1"), "198.51.100.7", trusted), ip("198.51.100.7"))
      << "a mapped peer address is trusted like its IPv4 address";
}

}  // namespace
}  // namespace herald
