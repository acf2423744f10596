// The STUN/TURN request handler without sockets: Binding, the long-term credential flow (401 with REALM
// and NONCE, then a signed request; wrong and expired credentials; 438 Stale Nonce), Allocate, Refresh,
// CreatePermission, ChannelBind, Send indications and ChannelData in both directions, 437 allocation
// mismatch, 441, 442, 420, quotas (486, 508), the peer policy (403), lifetimes and the bandwidth bound.
#include "turn/request_handler.hpp"

#include <gtest/gtest.h>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/channel_data.hpp"
#include "protocol/stun/error_attributes.hpp"
#include "protocol/stun/fingerprint.hpp"
#include "protocol/stun/integrity.hpp"
#include "protocol/stun/message_codec.hpp"
#include "protocol/stun/rest_credentials.hpp"
#include "protocol/stun/text_attributes.hpp"
#include "protocol/stun/turn_attributes.hpp"

namespace herald::turn {
namespace {

using namespace stun;
using namespace std::chrono_literals;

boost::asio::ip::address ip(const char* text) { return boost::asio::ip::make_address(text); }

struct FakeHooks final : RelayHooks {
  std::optional<TransportAddress> open_relay(const ClientKey&, bool even_port) override {
    if (!relays_available) return std::nullopt;
    even_ports_asked += even_port ? 1 : 0;
    return TransportAddress{ip("127.0.0.1"), static_cast<std::uint16_t>(50000 + opened++)};
  }
  void close_relay(const ClientKey& client) override { closed.push_back(client); }
  void send_to_peer(const ClientKey&, const TransportAddress& peer, std::string_view data) override {
    sent.emplace_back(peer, std::string(data));
  }

  bool relays_available = true;
  int opened = 0;
  int even_ports_asked = 0;
  std::vector<ClientKey> closed;
  std::vector<std::pair<TransportAddress, std::string>> sent;
};

class RequestHandlerTest : public ::testing::Test {
 protected:
  RequestHandlerTest() {
    settings.secret = "secret";
    settings.realm = "herald";
    settings.relay_address = ip("127.0.0.1");
    settings.bandwidth_per_allocation = 0;
    settings.allow_peers = {*AddressRange::parse("127.0.0.0/8")};
    now.wall = std::chrono::system_clock::now();
    alice = mint_rest_credential("secret", "alice", now.wall + 1h);
  }

  RequestHandler& handler() {
    if (!handler_)
      handler_.emplace(settings, hooks, metrics, NonceIssuer(settings.nonce_lifetime, "nonce key"));
    return *handler_;
  }

  static Message request(Method method) {
    return Message{{method, MessageClass::request}, random_transaction_id(), {}};
  }

  static std::string plain(const Message& message) {
    EncodeOptions options;
    options.fingerprint = true;
    return *encode_message(message, options);
  }

  std::string signed_bytes(Message message, const RestCredential& credential, const std::string& nonce) {
    message.add(make_text_attribute(attribute::username, credential.username));
    message.add(make_text_attribute(attribute::realm, "herald"));
    message.add(make_text_attribute(attribute::nonce, nonce));
    std::string key = long_term_key(credential.username, "herald", credential.password);
    EncodeOptions options;
    options.integrity_key = key;
    options.fingerprint = true;
    return *encode_message(message, options);
  }

  Message answer(const std::string& bytes, const ClientKey& from) {
    auto reply = handler().on_client_packet(from, bytes, now);
    EXPECT_TRUE(reply.has_value());
    if (!reply) return {};
    last_reply = *reply;
    EXPECT_EQ(verify_fingerprint(*reply), FingerprintCheck::valid);
    auto decoded = decode_message(*reply);
    EXPECT_TRUE(std::holds_alternative<Message>(decoded));
    return std::get<Message>(decoded);
  }

  static int error_of(const Message& response) {
    const Attribute* code = response.find(attribute::error_code);
    return code ? read_error_code(code->value)->code : 0;
  }

  static std::string text(const Message& message, std::uint16_t type) {
    const Attribute* attribute = message.find(type);
    return attribute ? std::string(*read_text_attribute(attribute->value)) : "";
  }

  // A nonce for `from`, as a first unauthenticated request gets it.
  std::string nonce_for(const ClientKey& from) {
    Message challenge = answer(plain(request(Method::allocate)), from);
    EXPECT_EQ(error_of(challenge), 401);
    return text(challenge, attribute::nonce);
  }

  Message allocate(const ClientKey& from, const RestCredential& credential,
                   std::vector<Attribute> extra = {}) {
    Message message = request(Method::allocate);
    message.add(make_requested_transport(kTransportUdp));
    for (auto& attribute : extra) message.add(std::move(attribute));
    return answer(signed_bytes(message, credential, nonce_for(from)), from);
  }

  Message signed_request(const ClientKey& from, Message message, const RestCredential& credential) {
    return answer(signed_bytes(std::move(message), credential, nonce_for(from)), from);
  }

  Message create_permission(const ClientKey& from, const TransportAddress& peer) {
    Message message = request(Method::create_permission);
    message.add(make_xor_address(attribute::xor_peer_address, peer, message.transaction_id));
    return signed_request(from, message, alice);
  }

  Message channel_bind(const ClientKey& from, std::uint16_t number, const TransportAddress& peer) {
    Message message = request(Method::channel_bind);
    message.add(make_channel_number(number));
    message.add(make_xor_address(attribute::xor_peer_address, peer, message.transaction_id));
    return signed_request(from, message, alice);
  }

  std::string send_indication(const TransportAddress& peer, std::string_view data) {
    Message message{{Method::send, MessageClass::indication}, random_transaction_id(), {}};
    message.add(make_xor_address(attribute::xor_peer_address, peer, message.transaction_id));
    message.add(make_data(data));
    return plain(message);
  }

  std::string key_of(const RestCredential& credential) {
    return long_term_key(credential.username, "herald", credential.password);
  }

  bool metric_is(std::string_view line) {
    return metrics.render().find(std::string(line) + "\n") != std::string::npos;
  }

  TurnSettings settings;
  FakeHooks hooks;
  TurnMetrics metrics;
  TurnClock now{1000, {}};
  RestCredential alice;
  ClientKey client{ClientProtocol::udp, {ip("127.0.0.1"), 5000}};
  TransportAddress peer{ip("127.0.0.1"), 6000};
  std::string last_reply;

 private:
  std::optional<RequestHandler> handler_;
};

TEST_F(RequestHandlerTest, BindingAnswersWithTheReflexiveAddress) {
  Message binding = request(Method::binding);
  Message response = answer(plain(binding), client);
  EXPECT_EQ(response.type, (MessageType{Method::binding, MessageClass::success}));
  EXPECT_EQ(response.transaction_id, binding.transaction_id);
  ASSERT_NE(response.find(attribute::xor_mapped_address), nullptr);
  EXPECT_EQ(read_xor_address(response.find(attribute::xor_mapped_address)->value, response.transaction_id),
            client.address);
  EXPECT_TRUE(metric_is("herald_stun_binding_requests_total 1"));
}

TEST_F(RequestHandlerTest, UnauthenticatedRequestGets401WithRealmAndNonce) {
  Message response = answer(plain(request(Method::allocate)), client);
  EXPECT_EQ(error_of(response), 401);
  EXPECT_EQ(text(response, attribute::realm), "herald");
  EXPECT_FALSE(text(response, attribute::nonce).empty());
  EXPECT_EQ(response.find(attribute::message_integrity), nullptr);
  EXPECT_TRUE(metric_is("herald_turn_auth_failures_total 0"));  // the normal first step, not a failure
}

TEST_F(RequestHandlerTest, AllocateWithRestCredentials) {
  Message response = allocate(client, alice);
  ASSERT_EQ(response.type, (MessageType{Method::allocate, MessageClass::success})) << error_of(response);
  EXPECT_EQ(verify_message_integrity(last_reply, key_of(alice)), IntegrityCheck::valid);
  EXPECT_EQ(read_xor_address(response.find(attribute::xor_relayed_address)->value, response.transaction_id),
            (TransportAddress{ip("127.0.0.1"), 50000}));
  EXPECT_EQ(read_xor_address(response.find(attribute::xor_mapped_address)->value, response.transaction_id),
            client.address);
  EXPECT_EQ(read_lifetime(response.find(attribute::lifetime)->value), 600s);
  EXPECT_EQ(handler().allocations().size(), 1u);
  EXPECT_TRUE(metric_is("herald_turn_allocations 1"));
  EXPECT_TRUE(metric_is("herald_turn_allocations_created_total 1"));
}

TEST_F(RequestHandlerTest, WrongPasswordWrongSecretAndExpiredCredentialsGet401) {
  RestCredential wrong = alice;
  wrong.password = "not the password";
  EXPECT_EQ(error_of(allocate(client, wrong)), 401);
  EXPECT_EQ(error_of(allocate(client, mint_rest_credential("other secret", "alice", now.wall + 1h))), 401);
  EXPECT_EQ(error_of(allocate(client, mint_rest_credential("secret", "alice", now.wall - 1s))), 401);
  RestCredential malformed{"alice", rest_password("secret", "alice")};
  EXPECT_EQ(error_of(allocate(client, malformed)), 401);
  EXPECT_EQ(handler().allocations().size(), 0u);
  EXPECT_TRUE(metric_is("herald_turn_auth_failures_total 4"));
}

TEST_F(RequestHandlerTest, StaleNonceGets438WithANewNonce) {
  std::string nonce = nonce_for(client);
  now.steady += settings.nonce_lifetime + 1;
  Message message = request(Method::allocate);
  message.add(make_requested_transport(kTransportUdp));
  Message stale = answer(signed_bytes(message, alice, nonce), client);
  EXPECT_EQ(error_of(stale), 438);
  std::string fresh = text(stale, attribute::nonce);
  EXPECT_FALSE(fresh.empty());
  EXPECT_NE(fresh, nonce);
  Message retry = answer(signed_bytes(message, alice, fresh), client);
  EXPECT_EQ(retry.type.message_class, MessageClass::success) << error_of(retry);
}

TEST_F(RequestHandlerTest, NonceOfAnotherClientIsStale) {
  std::string nonce = nonce_for({ClientProtocol::udp, {ip("127.0.0.1"), 5999}});
  Message message = request(Method::allocate);
  message.add(make_requested_transport(kTransportUdp));
  EXPECT_EQ(error_of(answer(signed_bytes(message, alice, nonce), client)), 438);
}

TEST_F(RequestHandlerTest, MissingUsernameIsBadRequest) {
  Message message = request(Method::allocate);
  message.add(make_requested_transport(kTransportUdp));
  std::string key = key_of(alice);  // EncodeOptions holds a view of it
  EncodeOptions options;
  options.integrity_key = key;
  options.fingerprint = true;
  EXPECT_EQ(error_of(answer(*encode_message(message, options), client)), 400);
}

TEST_F(RequestHandlerTest, AllocationMismatchAndRetransmission) {
  Message message = request(Method::allocate);
  message.add(make_requested_transport(kTransportUdp));
  std::string bytes = signed_bytes(message, alice, nonce_for(client));
  auto first = handler().on_client_packet(client, bytes, now);
  auto again = handler().on_client_packet(client, bytes, now);  // a retransmission: the same answer
  ASSERT_TRUE(first && again);
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(hooks.opened, 1);
  EXPECT_EQ(error_of(allocate(client, alice)), 437);  // a new Allocate on the same 5-tuple
  ClientKey other{ClientProtocol::udp, {ip("127.0.0.1"), 5001}};
  EXPECT_EQ(error_of(signed_request(other, request(Method::refresh), alice)), 437);
  EXPECT_EQ(error_of(create_permission(other, peer)), 437);
}

TEST_F(RequestHandlerTest, RequestsForAnotherUsersAllocationGet441) {
  allocate(client, alice);
  auto bob = mint_rest_credential("secret", "bob", now.wall + 1h);
  EXPECT_EQ(error_of(signed_request(client, request(Method::refresh), bob)), 441);
}

TEST_F(RequestHandlerTest, UnsupportedTransportGets442) {
  Message message = request(Method::allocate);
  message.add(make_requested_transport(kTransportTcp));
  EXPECT_EQ(error_of(signed_request(client, message, alice)), 442);
  EXPECT_EQ(error_of(signed_request(client, request(Method::allocate), alice)), 400);  // none at all
  EXPECT_EQ(hooks.opened, 0);
}

TEST_F(RequestHandlerTest, UnknownComprehensionRequiredAttributeGets420) {
  Message message = request(Method::allocate);
  message.add(make_requested_transport(kTransportUdp));
  message.add(Attribute{0x7777, "x"});
  message.add(Attribute{0x0003, std::string(4, '\0')});  // CHANGE-REQUEST (RFC 5780), not offered
  Message response = signed_request(client, message, alice);
  EXPECT_EQ(error_of(response), 420);
  auto listed = read_unknown_attributes(response.find(attribute::unknown_attributes)->value);
  EXPECT_EQ(*listed, (std::vector<std::uint16_t>{0x7777, 0x0003}));
}

TEST_F(RequestHandlerTest, EvenPortWithoutReservations) {
  EXPECT_EQ(allocate(client, alice, {make_even_port(false)}).type.message_class, MessageClass::success);
  EXPECT_EQ(hooks.even_ports_asked, 1);
  ClientKey other{ClientProtocol::udp, {ip("127.0.0.1"), 5001}};
  EXPECT_EQ(error_of(allocate(other, alice, {make_even_port(true)})), 508);  // reserve the next port too
  EXPECT_EQ(error_of(allocate(other, alice, {make_reservation_token({1, 2, 3, 4, 5, 6, 7, 8})})), 508);
  EXPECT_EQ(hooks.opened, 1);
}

TEST_F(RequestHandlerTest, LifetimesAreDefaultedAndCapped) {
  Message longer = allocate(client, alice, {make_lifetime(7200s)});
  EXPECT_EQ(read_lifetime(longer.find(attribute::lifetime)->value), 3600s);
  ClientKey other{ClientProtocol::udp, {ip("127.0.0.1"), 5001}};
  Message shorter = allocate(other, alice, {make_lifetime(60s)});
  EXPECT_EQ(read_lifetime(shorter.find(attribute::lifetime)->value), 600s);
  Message refresh = request(Method::refresh);
  refresh.add(make_lifetime(1200s));
  Message refreshed = signed_request(client, refresh, alice);
  EXPECT_EQ(read_lifetime(refreshed.find(attribute::lifetime)->value), 1200s);
  now.steady += 599;
  handler().sweep(now);
  EXPECT_EQ(handler().allocations().size(), 2u);
  now.steady += 1;
  handler().sweep(now);  // `other` expires after 600 s
  EXPECT_EQ(handler().allocations().size(), 1u);
  now.steady += 600;
  handler().sweep(now);  // `client` 1200 s after its refresh
  EXPECT_EQ(handler().allocations().size(), 0u);
  EXPECT_EQ(hooks.closed.size(), 2u);
}

TEST_F(RequestHandlerTest, RefreshWithLifetimeZeroDeletes) {
  allocate(client, alice);
  Message refresh = request(Method::refresh);
  refresh.add(make_lifetime(0s));
  Message response = signed_request(client, refresh, alice);
  EXPECT_EQ(response.type.message_class, MessageClass::success);
  EXPECT_EQ(read_lifetime(response.find(attribute::lifetime)->value), 0s);
  EXPECT_EQ(handler().allocations().size(), 0u);
  ASSERT_EQ(hooks.closed.size(), 1u);
  EXPECT_EQ(hooks.closed[0], client);
  EXPECT_TRUE(metric_is("herald_turn_allocations 0"));
}

TEST_F(RequestHandlerTest, QuotasPerUserAndInTotal) {
  settings.max_allocations_per_user = 1;
  settings.max_allocations = 2;
  allocate(client, alice);
  ClientKey second{ClientProtocol::udp, {ip("127.0.0.1"), 5001}};
  ClientKey third{ClientProtocol::udp, {ip("127.0.0.1"), 5002}};
  EXPECT_EQ(error_of(allocate(second, alice)), 486);
  auto bob = mint_rest_credential("secret", "bob", now.wall + 1h);
  EXPECT_EQ(allocate(second, bob).type.message_class, MessageClass::success);
  auto carol = mint_rest_credential("secret", "carol", now.wall + 1h);
  EXPECT_EQ(error_of(allocate(third, carol)), 508);
  EXPECT_TRUE(metric_is("herald_turn_quota_refusals_total 2"));
}

TEST_F(RequestHandlerTest, NoRelayPortGets508) {
  hooks.relays_available = false;
  EXPECT_EQ(error_of(allocate(client, alice)), 508);
  EXPECT_EQ(handler().allocations().size(), 0u);
}

TEST_F(RequestHandlerTest, PeerPolicyRefusesWithoutAllowPeers) {
  settings.allow_peers.clear();
  allocate(client, alice);
  Message refused = create_permission(client, peer);
  EXPECT_EQ(error_of(refused), 403);
  EXPECT_EQ(verify_message_integrity(last_reply, key_of(alice)), IntegrityCheck::valid);
  EXPECT_EQ(error_of(create_permission(client, {ip("::ffff:10.0.0.1"), 1})), 403);
  EXPECT_EQ(error_of(channel_bind(client, 0x4000, {ip("192.168.1.1"), 1})), 403);
  handler().on_client_packet(client, send_indication(peer, "hi"), now);
  EXPECT_TRUE(hooks.sent.empty());
  EXPECT_TRUE(metric_is("herald_turn_refused_peers_total 4"));
  EXPECT_EQ(create_permission(client, {ip("8.8.8.8"), 53}).type.message_class, MessageClass::success);
}

TEST_F(RequestHandlerTest, PeerOfTheOtherFamilyGets443) {
  allocate(client, alice);
  EXPECT_EQ(error_of(create_permission(client, {ip("2001:db8::1"), 1})), 443);
}

TEST_F(RequestHandlerTest, SendIndicationsNeedAPermission) {
  allocate(client, alice);
  handler().on_client_packet(client, send_indication(peer, "early"), now);
  EXPECT_TRUE(hooks.sent.empty());
  EXPECT_EQ(create_permission(client, peer).type.message_class, MessageClass::success);
  handler().on_client_packet(client, send_indication(peer, "hello"), now);
  ASSERT_EQ(hooks.sent.size(), 1u);
  EXPECT_EQ(hooks.sent[0].first, peer);
  EXPECT_EQ(hooks.sent[0].second, "hello");
  EXPECT_TRUE(metric_is("herald_turn_relayed_bytes_total{direction=\"to_peer\"} 5"));
  now.steady += settings.permission_lifetime;  // the permission expired
  handler().on_client_packet(client, send_indication(peer, "late"), now);
  EXPECT_EQ(hooks.sent.size(), 1u);
}

TEST_F(RequestHandlerTest, PeerDataBecomesDataIndicationsOrChannelData) {
  allocate(client, alice);
  EXPECT_FALSE(handler().on_peer_datagram(client, peer, "no permission", now));
  create_permission(client, peer);
  auto indication = handler().on_peer_datagram(client, peer, "abc", now);
  ASSERT_TRUE(indication);
  Message data = std::get<Message>(decode_message(*indication));
  EXPECT_EQ(data.type, (MessageType{Method::data, MessageClass::indication}));
  EXPECT_EQ(read_xor_address(data.find(attribute::xor_peer_address)->value, data.transaction_id), peer);
  EXPECT_EQ(data.find(attribute::data)->value, "abc");
  EXPECT_EQ(channel_bind(client, 0x4001, peer).type.message_class, MessageClass::success);
  auto framed = handler().on_peer_datagram(client, peer, "abc", now);
  ASSERT_TRUE(framed);
  EXPECT_EQ(*framed, encode_channel_data(0x4001, "abc", false));
  EXPECT_TRUE(metric_is("herald_turn_relayed_packets_total{direction=\"to_client\"} 2"));
}

TEST_F(RequestHandlerTest, ChannelBindRulesAndChannelData) {
  allocate(client, alice);
  EXPECT_EQ(error_of(channel_bind(client, 0x8000, peer)), 400);
  EXPECT_EQ(error_of(channel_bind(client, 0x3FFF, peer)), 400);
  EXPECT_EQ(channel_bind(client, 0x4000, peer).type.message_class, MessageClass::success);
  EXPECT_EQ(channel_bind(client, 0x4000, peer).type.message_class, MessageClass::success);  // refresh
  EXPECT_EQ(error_of(channel_bind(client, 0x4000, {ip("127.0.0.1"), 6001})), 400);
  EXPECT_EQ(error_of(channel_bind(client, 0x4002, peer)), 400);
  handler().on_client_packet(client, encode_channel_data(0x4000, "via channel", false), now);
  handler().on_client_packet(client, encode_channel_data(0x4003, "unbound", false), now);
  ASSERT_EQ(hooks.sent.size(), 1u);
  EXPECT_EQ(hooks.sent[0].first, peer);
  EXPECT_EQ(hooks.sent[0].second, "via channel");
}

TEST_F(RequestHandlerTest, ChannelsOfTheRfc5766RangeWork) {
  allocate(client, alice);
  EXPECT_EQ(channel_bind(client, 0x6D85, peer).type.message_class, MessageClass::success);
  handler().on_client_packet(client, encode_channel_data(0x6D85, "old range", false, ChannelRange::rfc5766),
                             now);
  ASSERT_EQ(hooks.sent.size(), 1u);
  EXPECT_EQ(hooks.sent[0].second, "old range");
  auto framed = handler().on_peer_datagram(client, peer, "back", now);
  ASSERT_TRUE(framed);
  EXPECT_EQ(*framed, encode_channel_data(0x6D85, "back", false, ChannelRange::rfc5766));
}

TEST_F(RequestHandlerTest, ChannelDataToTcpClientsIsPadded) {
  ClientKey tcp{ClientProtocol::tcp, {ip("127.0.0.1"), 7000}};
  allocate(tcp, alice);
  channel_bind(tcp, 0x4000, peer);
  auto framed = handler().on_peer_datagram(tcp, peer, "abcde", now);
  ASSERT_TRUE(framed);
  EXPECT_EQ(framed->size(), 12u);
  EXPECT_EQ(*framed, encode_channel_data(0x4000, "abcde", true));
  handler().client_gone(tcp);
  EXPECT_EQ(handler().allocations().size(), 0u);
}

TEST_F(RequestHandlerTest, BandwidthBoundDropsAndCounts) {
  settings.bandwidth_per_allocation = 1000;  // the bucket holds 65536 bytes at least
  allocate(client, alice);
  create_permission(client, peer);
  std::string big(40000, 'x');
  handler().on_client_packet(client, send_indication(peer, big), now);
  handler().on_client_packet(client, send_indication(peer, big), now);
  EXPECT_EQ(hooks.sent.size(), 1u);
  EXPECT_FALSE(handler().on_peer_datagram(client, peer, big, now));
  EXPECT_TRUE(metric_is("herald_turn_bandwidth_drops_total 2"));
  now.steady += 20;  // 20000 bytes flowed back in: 45536 in all
  handler().on_client_packet(client, send_indication(peer, big), now);
  EXPECT_EQ(hooks.sent.size(), 2u);
}

}  // namespace
}  // namespace herald::turn
