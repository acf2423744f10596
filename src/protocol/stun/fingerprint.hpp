// The FINGERPRINT attribute (RFC 8489 section 14.7): the CRC-32 of the message before it, XORed with
// 0x5354554e, with the length field counting the FINGERPRINT attribute itself. It tells STUN apart from
// other protocols on the same port; it protects nothing (MESSAGE-INTEGRITY does).
#pragma once
#include <cstdint>
#include <string_view>

namespace herald::stun {

inline constexpr std::uint32_t kFingerprintXor = 0x5354554e;
inline constexpr std::size_t kFingerprintSize = 4;

// The FINGERPRINT value for `covered`: the message bytes before the attribute, whose length field
// already counts the 8 bytes of the attribute.
std::uint32_t fingerprint_of(std::string_view covered);

enum class FingerprintCheck { valid, absent, mismatch, malformed };

// Checks the FINGERPRINT of a whole message as received. `malformed` when the bytes are not a
// structurally valid message (see decode_message) or FINGERPRINT is not 4 bytes or not last.
FingerprintCheck verify_fingerprint(std::string_view message);

}  // namespace herald::stun
