// Fuzz target: the TURN request handler of src/turn, without sockets. The input is a sequence of packets,
// each a 2-byte length and the bytes, preceded by one control byte: which of four clients sends it (UDP or
// TCP), whether it arrives from a peer at that client's relay instead, whether the harness signs it first
// (a STUN message is given this client's valid REST credentials and current nonce, so that the fuzzer gets
// past authentication), and whether time moves on (with a sweep). Every answer must be a well-formed STUN
// message or ChannelData, and the allocations must stay within the quotas.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/channel_data.hpp"
#include "protocol/stun/demultiplex.hpp"
#include "protocol/stun/integrity.hpp"
#include "protocol/stun/message_codec.hpp"
#include "protocol/stun/rest_credentials.hpp"
#include "protocol/stun/text_attributes.hpp"
#include "turn/request_handler.hpp"

namespace {

using namespace herald;
using namespace herald::stun;
using namespace herald::turn;

// A fixed "now" keeps runs reproducible: 2026-01-01T00:00:00Z.
const auto kWall = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
constexpr std::size_t kMaxAllocations = 3;
constexpr std::size_t kMaxPerUser = 2;

void require(bool condition) {
  if (!condition) std::abort();
}

struct Hooks final : RelayHooks {
  std::optional<TransportAddress> open_relay(const ClientKey&, bool even_port) override {
    if (++opened % 5 == 0) return std::nullopt;  // now and then no port is free
    auto port = static_cast<std::uint16_t>(50000 + (opened % 100) * 2 + (even_port ? 0 : 1));
    return TransportAddress{boost::asio::ip::make_address("127.0.0.1"), port};
  }
  void close_relay(const ClientKey&) override {}
  void send_to_peer(const ClientKey&, const TransportAddress&, std::string_view data) override {
    require(data.size() <= 0xFFFF);
  }
  int opened = 0;
};

TurnSettings settings() {
  TurnSettings settings;
  settings.secret = "fuzz-secret";
  settings.relay_address = boost::asio::ip::make_address("127.0.0.1");
  settings.allow_peers = {*AddressRange::parse("127.0.0.0/8")};
  settings.max_allocations = kMaxAllocations;
  settings.max_allocations_per_user = kMaxPerUser;
  settings.bandwidth_per_allocation = 100000;
  return settings;
}

void check_answer(const std::optional<std::string>& answer) {
  if (!answer) return;
  if (classify_packet(*answer) == PacketKind::stun) {
    require(std::holds_alternative<Message>(decode_message(*answer)));
  } else {
    require(std::holds_alternative<ChannelData>(decode_channel_data(*answer, kChannelRange)));
  }
}

// The nonce the handler gives `client` now: from the 401 to an unauthenticated Allocate.
std::string nonce_for(RequestHandler& handler, const ClientKey& client, const TurnClock& now) {
  Message probe{{Method::allocate, MessageClass::request}, {}, {}};
  auto answer = handler.on_client_packet(client, *encode_message(probe), now);
  require(answer.has_value());
  Message challenge = std::get<Message>(decode_message(*answer));
  const Attribute* nonce = challenge.find(attribute::nonce);
  require(nonce != nullptr);
  return nonce->value;
}

// `bytes` as a STUN message signed with the credential of user `user`, or the bytes unchanged when they
// are not a STUN message.
std::string signed_copy(RequestHandler& handler, const ClientKey& client, std::string_view bytes,
                        const std::string& user, const TurnClock& now) {
  auto decoded = decode_message(bytes);
  auto* message = std::get_if<Message>(&decoded);
  if (message == nullptr) return std::string(bytes);
  std::erase_if(message->attributes, [](const Attribute& a) {
    return a.type == attribute::username || a.type == attribute::realm || a.type == attribute::nonce;
  });
  auto credential = mint_rest_credential("fuzz-secret", user, kWall + std::chrono::hours(1));
  message->add(make_text_attribute(attribute::username, credential.username));
  message->add(make_text_attribute(attribute::realm, "herald"));
  message->add(make_text_attribute(attribute::nonce, nonce_for(handler, client, now)));
  std::string key = long_term_key(credential.username, "herald", credential.password);
  EncodeOptions options;
  options.integrity_key = key;
  options.fingerprint = true;
  auto encoded = encode_message(*message, options);
  return encoded ? *encoded : std::string(bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Hooks hooks;
  TurnMetrics metrics;
  RequestHandler handler(settings(), hooks, metrics, NonceIssuer(600, "fuzz nonce key"));
  TurnClock now{1000, kWall};
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int packets = 0; input.size() >= 3 && packets < 64; ++packets) {
    auto control = static_cast<std::uint8_t>(input[0]);
    std::size_t length = (static_cast<std::uint8_t>(input[1]) << 8) | static_cast<std::uint8_t>(input[2]);
    input.remove_prefix(3);
    std::string_view bytes = input.substr(0, std::min(length, input.size()));
    input.remove_prefix(bytes.size());

    ClientProtocol protocol = (control & 0x01) ? ClientProtocol::tcp : ClientProtocol::udp;
    auto port = static_cast<std::uint16_t>(5000 + ((control >> 1) & 0x03));
    ClientKey client{protocol, {boost::asio::ip::make_address("127.0.0.1"), port}};
    if (control & 0x40) {
      now.steady += 100;
      now.wall += std::chrono::seconds(100);
      handler.sweep(now);
    }
    if (control & 0x08) {
      TransportAddress peer{boost::asio::ip::make_address("127.0.0.1"),
                            static_cast<std::uint16_t>(6000 + (control >> 4 & 0x03))};
      check_answer(handler.on_peer_datagram(client, peer, bytes, now));
    } else if (control & 0x80) {
      std::string user = (control & 0x10) ? "alice" : "bob";
      check_answer(handler.on_client_packet(client, signed_copy(handler, client, bytes, user, now), now));
    } else {
      check_answer(handler.on_client_packet(client, bytes, now));
    }
    require(handler.allocations().size() <= kMaxAllocations);
    require(handler.allocations().count_of("alice") <= kMaxPerUser);
    if (control & 0x20) handler.client_gone(client);
  }
  return 0;
}
