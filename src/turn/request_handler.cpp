// The STUN/TURN request handler (see request_handler.hpp).
#include "turn/request_handler.hpp"

#include <algorithm>
#include <vector>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/channel_data.hpp"
#include "protocol/stun/demultiplex.hpp"
#include "protocol/stun/error_attributes.hpp"
#include "protocol/stun/integrity.hpp"
#include "protocol/stun/message_codec.hpp"
#include "protocol/stun/rest_credentials.hpp"
#include "protocol/stun/text_attributes.hpp"
#include "protocol/stun/turn_attributes.hpp"

namespace herald::turn {
namespace {

using namespace stun;

// The bandwidth bound's bucket holds at least one largest datagram, so that any packet can pass at
// some point however low the rate.
constexpr double kMinBandwidthBurst = 65536;

// Every message the server sends carries FINGERPRINT; answers to authenticated requests are signed with
// the credential's key.
std::optional<std::string> encode(const Message& message, const std::string* key) {
  EncodeOptions options;
  options.fingerprint = true;
  if (key != nullptr) options.integrity_key = *key;
  return encode_message(message, options);
}

std::string error_response(const Message& request, int code, const std::string* key,
                           std::vector<Attribute> extra = {}, std::string_view reason = {}) {
  Message response = response_to(request, MessageClass::error);
  response.add(make_error_code(code, reason.empty() ? default_reason(code) : reason));
  for (auto& attribute : extra) response.add(std::move(attribute));
  return *encode(response, key);
}

// "1700000000:alice" -> "alice"; a username of the expiry alone has the empty user.
std::string user_of(std::string_view username) {
  auto colon = username.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(username.substr(colon + 1));
}

std::optional<std::string_view> text_of(const Message& message, std::uint16_t type) {
  const Attribute* attribute = message.find(type);
  if (attribute == nullptr) return std::nullopt;
  return read_text_attribute(attribute->value);
}

// An XOR-PEER-ADDRESS, IPv4-mapped addresses taken as the IPv4 address they carry (so that permissions
// match the datagrams that arrive from that peer).
std::optional<TransportAddress> read_peer(const Attribute& attribute, const TransactionId& id) {
  auto peer = read_xor_address(attribute.value, id);
  if (peer) peer->address = unmapped(peer->address);
  return peer;
}

bool is_turn_request(Method method) {
  return method == Method::allocate || method == Method::refresh || method == Method::create_permission ||
         method == Method::channel_bind;
}

// The comprehension-required attributes the server refuses with 420: those the codec does not know.
std::vector<std::uint16_t> refused_attributes(const Message& request) {
  return unknown_required_attributes(request);
}

}  // namespace

RequestHandler::RequestHandler(TurnSettings settings, RelayHooks& hooks, TurnMetrics& metrics,
                               NonceIssuer nonces)
    : settings_(std::move(settings)),
      hooks_(hooks),
      metrics_(metrics),
      nonces_(std::move(nonces)),
      policy_(settings_.allow_peers),
      table_(settings_.max_allocations, settings_.max_allocations_per_user) {}

std::optional<std::string> RequestHandler::on_client_packet(const ClientKey& client, std::string_view bytes,
                                                            const TurnClock& now) {
  PacketKind kind = classify_packet(bytes, kChannelRange);
  if (kind == PacketKind::channel_data) on_channel_data(client, bytes, now);
  if (kind != PacketKind::stun) return std::nullopt;
  auto decoded = decode_message(bytes);
  auto* message = std::get_if<Message>(&decoded);
  if (message == nullptr) return std::nullopt;  // not STUN after all: nothing to answer
  if (message->type.message_class == MessageClass::request) return on_request(client, *message, bytes, now);
  if (message->type == MessageType{Method::send, MessageClass::indication})
    on_send_indication(client, *message, now);
  return std::nullopt;  // other indications, and responses, are not for a server
}

std::string RequestHandler::on_request(const ClientKey& client, const Message& request,
                                       std::string_view bytes, const TurnClock& now) {
  bool binding = request.type.method == Method::binding;
  if (!binding && !is_turn_request(request.type.method))
    return error_response(request, error_code::bad_request, nullptr);
  if (binding) {
    if (auto refused = refused_attributes(request); !refused.empty())
      return error_response(request, error_code::unknown_attribute, nullptr,
                            {make_unknown_attributes(refused)});
    metrics_.binding();
    Message response = response_to(request, MessageClass::success);
    response.add(make_xor_address(attribute::xor_mapped_address, client.address, request.transaction_id));
    return *encode(response, nullptr);
  }
  auto authenticated = authenticate(client, request, bytes, now);
  if (auto* refusal = std::get_if<std::string>(&authenticated)) return std::move(*refusal);
  const auto& credential = std::get<Credential>(authenticated);
  if (auto refused = refused_attributes(request); !refused.empty())
    return error_response(request, error_code::unknown_attribute, &credential.key,
                          {make_unknown_attributes(refused)});
  if (request.type.method == Method::allocate) return allocate(client, request, credential, now);
  Allocation* allocation = table_.find(client);
  if (allocation == nullptr) return error_response(request, error_code::allocation_mismatch, &credential.key);
  if (allocation->username != credential.username)
    return error_response(request, error_code::wrong_credentials, &credential.key);
  switch (request.type.method) {
    case Method::refresh:
      return refresh(client, *allocation, request, now);
    case Method::create_permission:
      return create_permission(*allocation, request, now);
    default:
      return channel_bind(*allocation, request, now);
  }
}

std::string RequestHandler::challenge(const ClientKey& client, const Message& request, int code,
                                      const TurnClock& now) {
  return error_response(request, code, nullptr,
                        {make_text_attribute(attribute::realm, settings_.realm),
                         make_text_attribute(attribute::nonce, nonces_.issue(describe(client), now.steady))});
}

// RFC 8489 section 9.2.4, in its order: no MESSAGE-INTEGRITY is the first step of every client (401 with
// REALM and NONCE); then the username must be a valid REST username, the integrity must match the key of
// its password, and the nonce must be one of ours that has not expired (438 otherwise).
RequestHandler::Authenticated RequestHandler::authenticate(const ClientKey& client, const Message& request,
                                                           std::string_view bytes, const TurnClock& now) {
  if (request.find(attribute::message_integrity) == nullptr)
    return challenge(client, request, error_code::unauthorized, now);
  auto username = text_of(request, attribute::username);
  auto realm = text_of(request, attribute::realm);
  auto nonce = text_of(request, attribute::nonce);
  if (!username || !realm || !nonce) return error_response(request, error_code::bad_request, nullptr);
  auto rest = check_rest_username(settings_.secret, *username, now.wall);
  if (rest.status != RestCheck::valid) {
    metrics_.auth_failure();
    return challenge(client, request, error_code::unauthorized, now);
  }
  std::string key = long_term_key(*username, settings_.realm, rest.password);
  if (*realm != settings_.realm || verify_message_integrity(bytes, key) != IntegrityCheck::valid) {
    metrics_.auth_failure();
    return challenge(client, request, error_code::unauthorized, now);
  }
  if (nonces_.check(*nonce, describe(client), now.steady) != NonceCheck::valid)
    return challenge(client, request, error_code::stale_nonce, now);
  return Credential{std::string(*username), user_of(*username), std::move(key)};
}

double RequestHandler::granted_lifetime(const Message& request) const {
  double asked = settings_.allocation_lifetime;
  if (const Attribute* lifetime = request.find(attribute::lifetime))
    if (auto value = read_lifetime(lifetime->value)) asked = static_cast<double>(value->count());
  if (asked == 0) return 0;
  return std::clamp(asked, settings_.allocation_lifetime,
                    std::max(settings_.allocation_lifetime, settings_.max_allocation_lifetime));
}

bool RequestHandler::same_family_as_relay(const TransportAddress& peer) const {
  return peer.address.is_v4() == settings_.relay_address.is_v4();
}

std::string RequestHandler::allocate(const ClientKey& client, const Message& request,
                                     const Credential& credential, const TurnClock& now) {
  const std::string* key = &credential.key;
  if (Allocation* existing = table_.find(client)) {
    if (existing->allocate_transaction == request.transaction_id && existing->username == credential.username)
      return existing->allocate_response;  // a retransmission
    return error_response(request, error_code::allocation_mismatch, key);
  }
  const Attribute* transport = request.find(attribute::requested_transport);
  auto protocol = transport ? read_requested_transport(transport->value) : std::nullopt;
  if (!protocol) return error_response(request, error_code::bad_request, key);
  if (*protocol != kTransportUdp)
    return error_response(request, error_code::unsupported_transport_protocol, key);
  if (const Attribute* family = request.find(attribute::requested_address_family)) {
    auto wanted = read_requested_address_family(family->value);
    bool v4 = settings_.relay_address.is_v4();
    if (!wanted || (*wanted == AddressFamily::ipv4) != v4)
      return error_response(request, error_code::address_family_not_supported, key);
  }
  // EVEN-PORT asks for an even relay port; herald keeps no port reservations, so a request to reserve the
  // next port too (R bit), or to use a RESERVATION-TOKEN, cannot be satisfied (RFC 8656 section 7.2: 508).
  bool even_port = false;
  if (const Attribute* even = request.find(attribute::even_port)) {
    auto reserve_next = read_even_port(even->value);
    if (!reserve_next) return error_response(request, error_code::bad_request, key);
    if (*reserve_next)
      return error_response(request, error_code::insufficient_capacity, key, {}, "No port reservations");
    even_port = true;
  }
  if (request.find(attribute::reservation_token) != nullptr)
    return error_response(request, error_code::insufficient_capacity, key, {}, "No port reservations");
  if (auto refusal = table_.refusal_for(credential.user)) {
    metrics_.quota_refusal();
    bool full = *refusal == QuotaRefusal::capacity;
    return error_response(
        request, full ? error_code::insufficient_capacity : error_code::allocation_quota_reached, key);
  }
  auto relay = hooks_.open_relay(client, even_port);
  if (!relay) return error_response(request, error_code::insufficient_capacity, key);

  double lifetime = granted_lifetime(request);
  if (lifetime == 0) lifetime = settings_.allocation_lifetime;
  Allocation allocation;
  allocation.client = client;
  allocation.username = credential.username;
  allocation.user = credential.user;
  allocation.key = credential.key;
  allocation.relay = *relay;
  allocation.expires = now.steady + lifetime;
  allocation.allocate_transaction = request.transaction_id;
  if (double rate = settings_.bandwidth_per_allocation; rate > 0)
    allocation.bandwidth.emplace(rate, std::max(rate, kMinBandwidthBurst), now.steady);

  Message response = response_to(request, MessageClass::success);
  response.add(make_xor_address(attribute::xor_relayed_address, *relay, request.transaction_id));
  response.add(make_lifetime(std::chrono::seconds(static_cast<long>(lifetime))));
  response.add(make_xor_address(attribute::xor_mapped_address, client.address, request.transaction_id));
  allocation.allocate_response = *encode(response, key);
  std::string answer = allocation.allocate_response;
  table_.insert(std::move(allocation));
  metrics_.allocation_created();
  metrics_.allocations(table_.size());
  return answer;
}

std::string RequestHandler::refresh(const ClientKey& client, Allocation& allocation, const Message& request,
                                    const TurnClock& now) {
  double lifetime = granted_lifetime(request);
  std::string key = allocation.key;
  if (lifetime == 0)
    end_allocation(client);
  else
    allocation.expires = now.steady + lifetime;
  Message response = response_to(request, MessageClass::success);
  response.add(make_lifetime(std::chrono::seconds(static_cast<long>(lifetime))));
  return *encode(response, &key);
}

std::string RequestHandler::create_permission(Allocation& allocation, const Message& request,
                                              const TurnClock& now) {
  const std::string* key = &allocation.key;
  std::vector<TransportAddress> peers;
  for (const auto& attribute : request.attributes) {
    if (attribute.type != attribute::xor_peer_address) continue;
    auto peer = read_peer(attribute, request.transaction_id);
    if (!peer) return error_response(request, error_code::bad_request, key);
    peers.push_back(*peer);
  }
  if (peers.empty()) return error_response(request, error_code::bad_request, key);
  for (const auto& peer : peers) {
    if (!same_family_as_relay(peer))
      return error_response(request, error_code::peer_address_family_mismatch, key);
    if (!policy_.allows(peer.address)) {
      metrics_.refused_peer();
      return error_response(request, error_code::forbidden, key, {}, "Forbidden peer address");
    }
  }
  for (const auto& peer : peers) allocation.permit(peer.address, now.steady, settings_.permission_lifetime);
  return *encode(response_to(request, MessageClass::success), key);
}

std::string RequestHandler::channel_bind(Allocation& allocation, const Message& request,
                                         const TurnClock& now) {
  const std::string* key = &allocation.key;
  const Attribute* number_attribute = request.find(attribute::channel_number);
  const Attribute* peer_attribute = request.find(attribute::xor_peer_address);
  auto number = number_attribute ? read_channel_number(number_attribute->value) : std::nullopt;
  auto peer = peer_attribute ? read_peer(*peer_attribute, request.transaction_id) : std::nullopt;
  if (!number || !is_channel_number(*number, kChannelRange) || !peer)
    return error_response(request, error_code::bad_request, key);
  if (!same_family_as_relay(*peer))
    return error_response(request, error_code::peer_address_family_mismatch, key);
  if (!policy_.allows(peer->address)) {
    metrics_.refused_peer();
    return error_response(request, error_code::forbidden, key, {}, "Forbidden peer address");
  }
  if (allocation.bind(*number, *peer, now.steady, settings_.channel_lifetime) != BindResult::bound)
    return error_response(request, error_code::bad_request, key, {}, "Channel or peer bound otherwise");
  allocation.permit(peer->address, now.steady, settings_.permission_lifetime);
  return *encode(response_to(request, MessageClass::success), key);
}

void RequestHandler::on_send_indication(const ClientKey& client, const Message& indication,
                                        const TurnClock& now) {
  Allocation* allocation = table_.find(client);
  const Attribute* peer_attribute = indication.find(attribute::xor_peer_address);
  const Attribute* data = indication.find(attribute::data);
  if (allocation == nullptr || peer_attribute == nullptr || data == nullptr) return;
  auto peer = read_peer(*peer_attribute, indication.transaction_id);
  if (!peer) return;
  if (!policy_.allows(peer->address)) return metrics_.refused_peer();
  relay_to_peer(client, *allocation, *peer, data->value, now);
}

void RequestHandler::on_channel_data(const ClientKey& client, std::string_view bytes, const TurnClock& now) {
  auto decoded = decode_channel_data(bytes, kChannelRange);
  auto* message = std::get_if<ChannelData>(&decoded);
  Allocation* allocation = table_.find(client);
  if (message == nullptr || allocation == nullptr) return;
  const TransportAddress* peer = allocation->channel_peer(message->channel, now.steady);
  if (peer != nullptr) relay_to_peer(client, *allocation, *peer, message->data, now);
}

void RequestHandler::relay_to_peer(const ClientKey& client, Allocation& allocation,
                                   const TransportAddress& peer, std::string_view data,
                                   const TurnClock& now) {
  if (!allocation.has_permission(peer.address, now.steady)) return;
  if (!allocation.take_bandwidth(data.size(), now.steady)) return metrics_.bandwidth_drop();
  hooks_.send_to_peer(client, peer, data);
  metrics_.relayed(RelayDirection::to_peer, data.size());
}

std::optional<std::string> RequestHandler::on_peer_datagram(const ClientKey& client,
                                                            const TransportAddress& peer,
                                                            std::string_view data, const TurnClock& now) {
  Allocation* allocation = table_.find(client);
  if (allocation == nullptr || !allocation->has_permission(peer.address, now.steady)) return std::nullopt;
  if (!allocation->take_bandwidth(data.size(), now.steady)) {
    metrics_.bandwidth_drop();
    return std::nullopt;
  }
  std::optional<std::string> bytes;
  if (auto channel = allocation->channel_of(peer, now.steady)) {
    if (data.size() <= 0xFFFF)
      bytes = encode_channel_data(*channel, data, client.protocol == ClientProtocol::tcp, kChannelRange);
  } else {
    Message indication{{Method::data, MessageClass::indication}, random_transaction_id(), {}};
    indication.add(make_xor_address(attribute::xor_peer_address, peer, indication.transaction_id));
    indication.add(make_data(data));
    bytes = encode(indication, nullptr);
  }
  if (bytes) metrics_.relayed(RelayDirection::to_client, data.size());
  return bytes;
}

void RequestHandler::end_allocation(const ClientKey& client) {
  hooks_.close_relay(client);
  table_.erase(client);
  metrics_.allocations(table_.size());
}

void RequestHandler::sweep(const TurnClock& now) {
  for (const auto& client : table_.expired(now.steady)) end_allocation(client);
  table_.drop_expired_parts(now.steady);
}

void RequestHandler::client_gone(const ClientKey& client) {
  if (table_.find(client) != nullptr) end_allocation(client);
}

}  // namespace herald::turn
