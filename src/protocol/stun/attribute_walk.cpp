// The header check of a raw STUN message (RFC 8489 section 5).
#include "protocol/stun/attribute_walk.hpp"

namespace herald::stun {

std::optional<DecodeError> check_header(std::string_view bytes) {
  if (bytes.size() < kHeaderSize) return DecodeError::truncated_header;
  if ((static_cast<unsigned char>(bytes[0]) & 0xC0) != 0) return DecodeError::not_stun;
  if (read_u32(bytes.data() + 4) != kMagicCookie) return DecodeError::bad_magic_cookie;
  std::size_t length = read_u16(bytes.data() + 2);
  if (kHeaderSize + length != bytes.size()) return DecodeError::length_mismatch;
  if (length % 4 != 0) return DecodeError::length_not_multiple_of_4;
  return std::nullopt;
}

}  // namespace herald::stun
