// ERROR-CODE: two zero bytes, then 3 reserved bits and the 3-bit class, the number (0-99), the reason.
// UNKNOWN-ATTRIBUTES: 16-bit types one after the other.
#include "protocol/stun/error_attributes.hpp"

#include <stdexcept>

#include "core/utf8.hpp"
#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/byte_order.hpp"
#include "protocol/stun/text_attributes.hpp"

namespace herald::stun {

Attribute make_error_code(int code, std::string_view reason) {
  if (code < 300 || code > 699) throw std::invalid_argument("STUN error code must be 300-699");
  if (reason.size() > kMaxTextSendBytes || !is_valid_utf8(reason)) {
    throw std::invalid_argument("STUN reason phrase must be UTF-8 of fewer than 509 bytes");
  }
  std::string value;
  append_u16(value, 0);
  value.push_back(static_cast<char>(code / 100));
  value.push_back(static_cast<char>(code % 100));
  value.append(reason);
  return {attribute::error_code, std::move(value)};
}

std::optional<ErrorCode> read_error_code(std::string_view value) {
  if (value.size() < 4) return std::nullopt;
  int error_class = static_cast<unsigned char>(value[2]) & 0x07;
  int number = static_cast<unsigned char>(value[3]);
  if (error_class < 3 || error_class > 6 || number > 99) return std::nullopt;
  auto reason = read_text_attribute(value.substr(4));
  if (!reason) return std::nullopt;
  return ErrorCode{error_class * 100 + number, std::string(*reason)};
}

std::string_view default_reason(int code) {
  switch (code) {
    case error_code::try_alternate:
      return "Try Alternate";
    case error_code::bad_request:
      return "Bad Request";
    case error_code::unauthorized:
      return "Unauthorized";
    case error_code::forbidden:
      return "Forbidden";
    case error_code::mobility_forbidden:
      return "Mobility Forbidden";
    case error_code::unknown_attribute:
      return "Unknown Attribute";
    case error_code::allocation_mismatch:
      return "Allocation Mismatch";
    case error_code::stale_nonce:
      return "Stale Nonce";
    case error_code::address_family_not_supported:
      return "Address Family not Supported";
    case error_code::wrong_credentials:
      return "Wrong Credentials";
    case error_code::unsupported_transport_protocol:
      return "Unsupported Transport Protocol";
    case error_code::peer_address_family_mismatch:
      return "Peer Address Family Mismatch";
    case error_code::allocation_quota_reached:
      return "Allocation Quota Reached";
    case error_code::server_error:
      return "Server Error";
    case error_code::insufficient_capacity:
      return "Insufficient Capacity";
    default:
      return "Error";
  }
}

Attribute make_unknown_attributes(std::span<const std::uint16_t> types) {
  std::string value;
  for (std::uint16_t type : types) append_u16(value, type);
  return {attribute::unknown_attributes, std::move(value)};
}

std::optional<std::vector<std::uint16_t>> read_unknown_attributes(std::string_view value) {
  if (value.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint16_t> types;
  for (std::size_t i = 0; i < value.size(); i += 2) types.push_back(read_u16(value.data() + i));
  return types;
}

}  // namespace herald::stun
