// The structural checks every raw STUN message goes through, shared by decode_message and the integrity
// and fingerprint checks (which work on the bytes as received): the header, then each attribute's
// type-length-value within the message.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/stun/byte_order.hpp"
#include "protocol/stun/decode_error.hpp"
#include "protocol/stun/message.hpp"

namespace herald::stun {

struct RawAttribute {
  std::uint16_t type = 0;
  std::string_view value;  // within the message bytes, without padding
  std::size_t offset = 0;  // of the attribute's header from the start of the message
  std::size_t end = 0;     // offset just after its padding
  std::string_view padding;
};

// Checks the header of a whole message: size, leading bits, cookie, length field against the size.
std::optional<DecodeError> check_header(std::string_view bytes);

// Calls visit(RawAttribute) for each attribute of a message whose header passed check_header, in order,
// until visit returns false. Fails when an attribute's value or padding runs past the message end.
template <typename Visit>
std::optional<DecodeError> walk_attributes(std::string_view bytes, Visit&& visit) {
  std::size_t offset = kHeaderSize;
  while (offset < bytes.size()) {
    if (bytes.size() - offset < kAttributeHeaderSize) return DecodeError::attribute_overruns_message;
    std::uint16_t type = read_u16(bytes.data() + offset);
    std::size_t length = read_u16(bytes.data() + offset + 2);
    std::size_t value_at = offset + kAttributeHeaderSize;
    if (padded_size(length) > bytes.size() - value_at) return DecodeError::attribute_overruns_message;
    RawAttribute attribute{type, bytes.substr(value_at, length), offset, value_at + padded_size(length),
                           bytes.substr(value_at + length, padded_size(length) - length)};
    if (!visit(attribute)) break;
    offset = attribute.end;
  }
  return std::nullopt;
}

}  // namespace herald::stun
