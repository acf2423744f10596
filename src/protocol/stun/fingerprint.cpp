// CRC-32 (the ISO-HDLC / zlib polynomial, reflected, initial and final XOR 0xFFFFFFFF) from Boost.CRC.
#include "protocol/stun/fingerprint.hpp"

#include <boost/crc.hpp>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/attribute_walk.hpp"

namespace herald::stun {

std::uint32_t fingerprint_of(std::string_view covered) {
  boost::crc_32_type crc;
  crc.process_bytes(covered.data(), covered.size());
  return crc.checksum() ^ kFingerprintXor;
}

FingerprintCheck verify_fingerprint(std::string_view message) {
  if (check_header(message)) return FingerprintCheck::malformed;
  std::optional<RawAttribute> found;
  auto error = walk_attributes(message, [&](const RawAttribute& attribute) {
    if (attribute.type != attribute::fingerprint) return true;
    found = attribute;
    return false;
  });
  if (error) return FingerprintCheck::malformed;
  if (!found) return FingerprintCheck::absent;
  if (found->value.size() != kFingerprintSize || found->end != message.size())
    return FingerprintCheck::malformed;
  bool matches = read_u32(found->value.data()) == fingerprint_of(message.substr(0, found->offset));
  return matches ? FingerprintCheck::valid : FingerprintCheck::mismatch;
}

}  // namespace herald::stun
