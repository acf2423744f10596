// Fuzz target: the STUN/TURN codec of protocol/stun. The first input byte picks the mode:
//   0: the rest is a STUN datagram: decode_message (lenient and strict padding), the integrity and
//      fingerprint checks, the typed attribute readers; what decodes is re-encoded (plain, and with
//      MESSAGE-INTEGRITY, -SHA256 and FINGERPRINT) and decoded again;
//   1: the rest is a ChannelData datagram: decoded, re-encoded padded and unpadded, decoded again;
//   2: the rest is a TCP byte stream: cut with next_stream_frame, each frame decoded;
//   3: the rest is a TURN REST username (checked, and its password with it) and base64 text.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/base64.hpp"
#include "protocol/stun/address_attributes.hpp"
#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/channel_data.hpp"
#include "protocol/stun/error_attributes.hpp"
#include "protocol/stun/fingerprint.hpp"
#include "protocol/stun/integrity.hpp"
#include "protocol/stun/message_codec.hpp"
#include "protocol/stun/rest_credentials.hpp"
#include "protocol/stun/stream_framing.hpp"
#include "protocol/stun/text_attributes.hpp"
#include "protocol/stun/turn_attributes.hpp"

namespace {

using namespace herald::stun;

constexpr std::string_view kKey = "fuzz-key";
// A fixed "now" keeps runs reproducible: 2026-01-01T00:00:00Z.
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_computed(std::uint16_t type) {
  return type == attribute::message_integrity || type == attribute::message_integrity_sha256 ||
         type == attribute::fingerprint;
}

// Every typed reader on `attribute`; what reads is built again and must read back the same.
void check_typed_value(const Attribute& attribute, const TransactionId& id) {
  std::string_view value = attribute.value;
  switch (attribute.type) {
    case attribute::mapped_address:
      if (auto address = read_mapped_address(value))
        require(read_mapped_address(make_mapped_address(*address).value) == address);
      break;
    case attribute::xor_mapped_address:
    case attribute::xor_peer_address:
    case attribute::xor_relayed_address:
      if (auto address = read_xor_address(value, id)) {
        require(read_xor_address(make_xor_address(attribute.type, *address, id).value, id) == address);
      }
      break;
    case attribute::username:
    case attribute::realm:
    case attribute::nonce:
    case attribute::software:
      if (auto text = read_text_attribute(value); text && text->size() <= kMaxTextSendBytes) {
        require(make_text_attribute(attribute.type, *text) == attribute);
      }
      break;
    case attribute::error_code:
      if (auto error = read_error_code(value); error && error->reason.size() <= kMaxTextSendBytes) {
        require(read_error_code(make_error_code(error->code, error->reason).value) == error);
      }
      break;
    case attribute::unknown_attributes:
      if (auto types = read_unknown_attributes(value))
        require(make_unknown_attributes(*types).value == value);
      break;
    case attribute::lifetime:
      if (auto lifetime = read_lifetime(value)) require(make_lifetime(*lifetime).value == value);
      break;
    case attribute::channel_number:
      if (auto channel = read_channel_number(value))
        require(read_channel_number(make_channel_number(*channel).value) == channel);
      break;
    case attribute::requested_transport:
      if (auto protocol = read_requested_transport(value)) {
        require(read_requested_transport(make_requested_transport(*protocol).value) == protocol);
      }
      break;
    case attribute::requested_address_family:
      if (auto family = read_requested_address_family(value)) {
        require(read_requested_address_family(make_requested_address_family(*family).value) == family);
      }
      break;
    case attribute::even_port:
      if (auto reserve = read_even_port(value))
        require(read_even_port(make_even_port(*reserve).value) == reserve);
      break;
    case attribute::reservation_token:
      if (auto token = read_reservation_token(value)) require(make_reservation_token(*token).value == value);
      break;
    default:
      break;
  }
}

std::vector<Attribute> plain_attributes(const Message& message) {
  std::vector<Attribute> plain;
  for (const auto& attribute : message.attributes) {
    if (!is_computed(attribute.type)) plain.push_back(attribute);
  }
  return plain;
}

Message decoded_or_abort(std::string_view bytes) {
  auto result = decode_message(bytes, {.strict_padding = true});
  require(std::holds_alternative<Message>(result));
  return std::get<Message>(result);
}

void check_reencoding(std::string_view input, const Message& message) {
  // Plain: the attributes come back, without the computed ones.
  auto plain = encode_message(message);
  require(plain.has_value());  // it decoded, so it fits
  Message again = decoded_or_abort(*plain);
  require(again.type == message.type && again.transaction_id == message.transaction_id);
  require(again.attributes == plain_attributes(message));
  // A canonical input without computed attributes is exactly its re-encoding.
  bool canonical = std::holds_alternative<Message>(decode_message(input, {.strict_padding = true}));
  if (canonical && plain_attributes(message).size() == message.attributes.size()) require(*plain == input);
  // Signed and fingerprinted (when it still fits): verifies.
  EncodeOptions all{
      .integrity_key = kKey, .integrity_sha1 = true, .integrity_sha256 = true, .fingerprint = true};
  if (auto sealed = encode_message(message, all)) {
    require(plain_attributes(decoded_or_abort(*sealed)) == plain_attributes(message));
    require(verify_message_integrity(*sealed, kKey) == IntegrityCheck::valid);
    require(verify_message_integrity_sha256(*sealed, kKey) == IntegrityCheck::valid);
    require(verify_fingerprint(*sealed) == FingerprintCheck::valid);
  }
}

void check_stun(std::string_view input) {
  auto result = decode_message(input);
  IntegrityCheck integrity = verify_message_integrity(input, kKey);
  verify_message_integrity_sha256(input, kKey);
  FingerprintCheck fingerprint = verify_fingerprint(input);
  if (auto* error = std::get_if<DecodeError>(&result)) {
    require(!describe(*error).empty());
    bool header_error = *error == DecodeError::truncated_header || *error == DecodeError::not_stun ||
                        *error == DecodeError::bad_magic_cookie || *error == DecodeError::length_mismatch ||
                        *error == DecodeError::length_not_multiple_of_4;
    if (header_error)
      require(integrity == IntegrityCheck::malformed && fingerprint == FingerprintCheck::malformed);
    return;
  }
  const Message& message = std::get<Message>(result);
  require(fingerprint ==
          (message.find(attribute::fingerprint) ? FingerprintCheck::valid : FingerprintCheck::absent));
  require((integrity == IntegrityCheck::absent) == (message.find(attribute::message_integrity) == nullptr));
  // Whole, the datagram is also one stream frame.
  StreamFrame frame = next_stream_frame(input);
  if (classify_packet(input) == PacketKind::stun) {
    require(frame.status == FrameStatus::complete && frame.length == input.size());
  }
  for (const auto& attribute : message.attributes) check_typed_value(attribute, message.transaction_id);
  for (std::uint16_t type : unknown_required_attributes(message)) {
    require(attribute::is_comprehension_required(type) && !attribute::is_known(type));
  }
  check_reencoding(input, message);
}

void check_channel_data(std::string_view input) {
  auto result = decode_channel_data(input);
  if (auto* error = std::get_if<ChannelDataError>(&result)) {
    require(!describe(*error).empty());
    return;
  }
  ChannelData data = std::get<ChannelData>(result);
  require(is_channel_number(data.channel));
  for (bool padded : {false, true}) {
    std::string encoded = encode_channel_data(data.channel, data.data, padded);
    auto again = decode_channel_data(encoded);
    require(std::holds_alternative<ChannelData>(again));
    require(std::get<ChannelData>(again).channel == data.channel &&
            std::get<ChannelData>(again).data == data.data);
    if (padded) {
      StreamFrame frame = next_stream_frame(encoded);
      require(frame.status == FrameStatus::complete && frame.length == encoded.size());
    }
  }
}

void check_stream(std::string_view stream) {
  while (!stream.empty()) {
    StreamFrame frame = next_stream_frame(stream);
    if (frame.status != FrameStatus::complete) return;
    require(frame.length > 0 && frame.length <= stream.size() && frame.length <= kMaxStreamFrameSize);
    std::string_view bytes = stream.substr(0, frame.length);
    if (frame.kind == PacketKind::stun) {
      auto result = decode_message(bytes);
      // The framing has checked what the header check would refuse.
      if (auto* error = std::get_if<DecodeError>(&result)) {
        require(*error != DecodeError::length_mismatch && *error != DecodeError::length_not_multiple_of_4 &&
                *error != DecodeError::bad_magic_cookie && *error != DecodeError::truncated_header);
      }
    } else {
      require(frame.kind == PacketKind::channel_data);
      require(std::holds_alternative<ChannelData>(decode_channel_data(bytes)));
    }
    stream.remove_prefix(frame.length);
  }
}

void check_rest_and_base64(std::string_view text) {
  RestUsername checked = check_rest_username("fuzz-secret", text, kNow);
  if (checked.status == RestCheck::valid) {
    require(checked.password == rest_password("fuzz-secret", text));
    require(check_rest_credential("fuzz-secret", text, checked.password, kNow) == RestCheck::valid);
    require(check_rest_credential("fuzz-secret", text, checked.password + "x", kNow) ==
            RestCheck::wrong_password);
  }
  if (auto decoded = herald::base64_decode(text)) require(herald::base64_encode(*decoded) == text);
  require(herald::base64_decode(herald::base64_encode(text)) == std::string(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0:
      check_stun(rest);
      break;
    case 1:
      check_channel_data(rest);
      break;
    case 2:
      check_stream(rest);
      break;
    default:
      check_rest_and_base64(rest);
  }
  return 0;
}
