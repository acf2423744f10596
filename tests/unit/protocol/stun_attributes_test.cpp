// Typed STUN and TURN attributes: each builder's value reads back through its reader (IPv4 and IPv6 XOR
// addresses included), and malformed values read as nullopt.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string>
#include <variant>

#include "protocol/stun/address_attributes.hpp"
#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/error_attributes.hpp"
#include "protocol/stun/message_codec.hpp"
#include "protocol/stun/text_attributes.hpp"
#include "protocol/stun/turn_attributes.hpp"
#include "stun_test_bytes.hpp"

namespace herald::stun {
namespace {

using test::hex;
namespace ip = boost::asio::ip;

const TransactionId kId{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// `attribute` after a trip through a whole encoded and decoded message.
Attribute through_message(const Attribute& attribute) {
  Message message{{Method::allocate, MessageClass::success}, kId, {attribute}};
  auto bytes = encode_message(message, {.integrity_key = "k", .fingerprint = true});
  EXPECT_TRUE(bytes);
  auto decoded = decode_message(bytes.value_or(""));
  EXPECT_TRUE(std::holds_alternative<Message>(decoded));
  if (!std::holds_alternative<Message>(decoded)) return {};
  return std::get<Message>(decoded).attributes.at(0);
}

TEST(StunAddressAttributes, XorAddressesRoundTripForEveryType) {
  const TransportAddress addresses[] = {
      {ip::make_address("192.0.2.1"), 32853},
      {ip::make_address("0.0.0.0"), 0},
      {ip::make_address("255.255.255.255"), 65535},
      {ip::make_address("2001:db8:1234:5678:11:2233:4455:6677"), 32853},
      {ip::make_address("::1"), 3478},
      {ip::make_address("::ffff:10.0.0.1"), 5349},
  };
  for (std::uint16_t type :
       {attribute::xor_mapped_address, attribute::xor_peer_address, attribute::xor_relayed_address}) {
    for (const auto& address : addresses) {
      Attribute made = make_xor_address(type, address, kId);
      EXPECT_EQ(made.type, type);
      EXPECT_EQ(made.value.size(), address.address.is_v4() ? 8u : 20u);
      EXPECT_EQ(read_xor_address(through_message(made).value, kId), address) << address.address.to_string();
    }
  }
}

TEST(StunAddressAttributes, XorUsesCookieAndTransactionId) {
  TransportAddress v6{ip::make_address("2001:db8::1"), 1};
  Attribute made = make_xor_address(attribute::xor_peer_address, v6, kId);
  // Port 1 ^ 0x2112; first address bytes 20 01 0d b8 ^ 21 12 a4 42; the last 12 bytes use the id.
  EXPECT_EQ(made.value.substr(0, 8), hex("00 02 21 13 01 13 a9 fa"));
  EXPECT_EQ(made.value.substr(19, 1), std::string(1, static_cast<char>(0x01 ^ 0xae)));
  TransactionId other = kId;
  other[11] ^= 0xFF;
  EXPECT_NE(read_xor_address(made.value, other), v6);  // another transaction's id gives another address
  TransportAddress v4{ip::make_address("192.0.2.1"), 32853};
  EXPECT_EQ(read_xor_address(make_xor_address(attribute::xor_mapped_address, v4, kId).value, other), v4);
}

TEST(StunAddressAttributes, MappedAddressIsPlain) {
  TransportAddress v4{ip::make_address("192.0.2.1"), 32853};
  Attribute made = make_mapped_address(v4);
  EXPECT_EQ(made.type, attribute::mapped_address);
  EXPECT_EQ(made.value, hex("00 01 80 55 c0 00 02 01"));
  EXPECT_EQ(read_mapped_address(through_message(made).value), v4);
  TransportAddress v6{ip::make_address("2001:db8::2"), 443};
  EXPECT_EQ(read_mapped_address(make_mapped_address(v6).value), v6);
}

TEST(StunAddressAttributes, MalformedValuesReadAsNothing) {
  EXPECT_FALSE(read_mapped_address(""));
  EXPECT_FALSE(read_mapped_address(hex("00 01 80 55")));              // no address
  EXPECT_FALSE(read_mapped_address(hex("00 01 80 55 c0 00 02")));     // 3 bytes of IPv4
  EXPECT_FALSE(read_mapped_address(hex("00 02 80 55 c0 00 02 01")));  // IPv6 family, 4 bytes
  EXPECT_FALSE(read_mapped_address(hex("00 03 80 55 c0 00 02 01")));  // unknown family
  EXPECT_FALSE(read_xor_address(hex("00 01 80 55 c0 00 02 01 00"), kId));
  // The first byte is ignored.
  EXPECT_TRUE(read_mapped_address(hex("ff 01 80 55 c0 00 02 01")));
}

TEST(StunTextAttributes, RoundTripAndLimits) {
  for (std::uint16_t type : {attribute::username, attribute::realm, attribute::nonce, attribute::software}) {
    Attribute made = make_text_attribute(type, "h\xc3\xa9rald");
    EXPECT_EQ(read_text_attribute(through_message(made).value), "h\xc3\xa9rald");
  }
  EXPECT_EQ(read_text_attribute(make_text_attribute(attribute::realm, std::string(508, 'r')).value)->size(),
            508u);
  EXPECT_THROW(make_text_attribute(attribute::realm, std::string(509, 'r')), std::invalid_argument);
  EXPECT_THROW(make_text_attribute(attribute::username, "\xff"), std::invalid_argument);
  EXPECT_TRUE(read_text_attribute(std::string(763, 'n')));
  EXPECT_FALSE(read_text_attribute(std::string(764, 'n')));
  EXPECT_FALSE(read_text_attribute("\xc3"));
  EXPECT_EQ(read_text_attribute(""), "");
}

TEST(StunErrorAttributes, ErrorCodeRoundTrips) {
  for (int code : {300, 400, 401, 420, 438, 441, 486, 508, 699}) {
    Attribute made = make_error_code(code, default_reason(code));
    EXPECT_EQ(made.type, attribute::error_code);
    auto read = read_error_code(through_message(made).value);
    ASSERT_TRUE(read) << code;
    EXPECT_EQ(*read, (ErrorCode{code, std::string(default_reason(code))}));
  }
  EXPECT_EQ(make_error_code(420, "Unknown Attribute").value.substr(0, 4), hex("00 00 04 14"));
  EXPECT_EQ(default_reason(error_code::stale_nonce), "Stale Nonce");
  EXPECT_EQ(default_reason(599), "Error");
}

TEST(StunErrorAttributes, ErrorCodeRefusals) {
  EXPECT_THROW(make_error_code(299, "x"), std::invalid_argument);
  EXPECT_THROW(make_error_code(700, "x"), std::invalid_argument);
  EXPECT_THROW(make_error_code(400, "\xc0\xaf"), std::invalid_argument);
  EXPECT_FALSE(read_error_code(hex("00 00 04")));
  EXPECT_FALSE(read_error_code(hex("00 00 02 00")));  // class 2
  EXPECT_FALSE(read_error_code(hex("00 00 07 00")));  // class 7
  EXPECT_FALSE(read_error_code(hex("00 00 04 64")));  // number 100
  EXPECT_FALSE(read_error_code(hex("00 00 04 00 ff")));
  // Reserved bits around the class are ignored; an empty reason is allowed.
  EXPECT_EQ(read_error_code(hex("ff ff fc 01"))->code, 401);
  EXPECT_EQ(read_error_code(hex("00 00 04 01"))->reason, "");
}

TEST(StunErrorAttributes, UnknownAttributesRoundTrip) {
  const std::uint16_t types[] = {0x0030, 0x7fff, 0x0024};
  Attribute made = make_unknown_attributes(types);
  EXPECT_EQ(made.value, hex("00 30 7f ff 00 24"));
  auto read = read_unknown_attributes(through_message(made).value);  // 6 bytes, padded to 8 on the wire
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, (std::vector<std::uint16_t>{0x0030, 0x7fff, 0x0024}));
  EXPECT_FALSE(read_unknown_attributes(hex("00 30 7f")));
  EXPECT_EQ(read_unknown_attributes("")->size(), 0u);
}

TEST(StunTurnAttributes, Lifetime) {
  Attribute made = make_lifetime(std::chrono::seconds(600));
  EXPECT_EQ(made.value, hex("00 00 02 58"));
  EXPECT_EQ(read_lifetime(through_message(made).value), std::chrono::seconds(600));
  EXPECT_EQ(read_lifetime(make_lifetime(std::chrono::seconds(-5)).value), std::chrono::seconds(0));
  EXPECT_EQ(read_lifetime(make_lifetime(std::chrono::hours(24 * 365 * 200)).value),
            std::chrono::seconds(0xFFFFFFFF));
  EXPECT_FALSE(read_lifetime(hex("00 00 02")));
}

TEST(StunTurnAttributes, RequestedTransport) {
  Attribute made = make_requested_transport(kTransportUdp);
  EXPECT_EQ(made.value, hex("11 00 00 00"));
  EXPECT_EQ(read_requested_transport(through_message(made).value), kTransportUdp);
  EXPECT_EQ(read_requested_transport(hex("06 ff ff ff")), kTransportTcp);  // RFFU ignored
  EXPECT_FALSE(read_requested_transport(hex("11")));
}

TEST(StunTurnAttributes, Data) {
  std::string bytes("\0\x01\x02 binary", 10);
  Attribute made = make_data(bytes);
  EXPECT_EQ(made.type, attribute::data);
  EXPECT_EQ(through_message(made).value, bytes);
  EXPECT_EQ(through_message(make_data("")).value, "");
}

TEST(StunTurnAttributes, ChannelNumber) {
  Attribute made = make_channel_number(0x4001);
  EXPECT_EQ(made.value, hex("40 01 00 00"));
  EXPECT_EQ(read_channel_number(through_message(made).value), 0x4001);
  EXPECT_EQ(read_channel_number(hex("50 00 00 00")), 0x5000);  // read as it is: the server checks the range
  EXPECT_FALSE(read_channel_number(hex("40 01")));
}

TEST(StunTurnAttributes, DontFragment) {
  Attribute made = make_dont_fragment();
  EXPECT_EQ(made.type, attribute::dont_fragment);
  EXPECT_TRUE(read_dont_fragment(through_message(made).value));
  EXPECT_FALSE(read_dont_fragment("x"));
}

TEST(StunTurnAttributes, RequestedAddressFamily) {
  for (AddressFamily family : {AddressFamily::ipv4, AddressFamily::ipv6}) {
    EXPECT_EQ(read_requested_address_family(through_message(make_requested_address_family(family)).value),
              family);
  }
  EXPECT_EQ(make_requested_address_family(AddressFamily::ipv6).value, hex("02 00 00 00"));
  EXPECT_FALSE(read_requested_address_family(hex("03 00 00 00")));
  EXPECT_FALSE(read_requested_address_family(hex("01 00")));
}

TEST(StunTurnAttributes, EvenPort) {
  EXPECT_EQ(make_even_port(true).value, hex("80"));
  EXPECT_EQ(read_even_port(through_message(make_even_port(true)).value), true);
  EXPECT_EQ(read_even_port(through_message(make_even_port(false)).value), false);
  EXPECT_EQ(read_even_port(hex("7f")), false);  // only the R bit counts
  EXPECT_FALSE(read_even_port(hex("80 00")));
}

TEST(StunTurnAttributes, ReservationToken) {
  ReservationToken token{1, 2, 3, 4, 5, 6, 7, 0xff};
  Attribute made = make_reservation_token(token);
  EXPECT_EQ(made.value, hex("01 02 03 04 05 06 07 ff"));
  EXPECT_EQ(read_reservation_token(through_message(made).value), token);
  EXPECT_FALSE(read_reservation_token(hex("01 02 03 04 05 06 07")));
}

}  // namespace
}  // namespace herald::stun
