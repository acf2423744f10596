// MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 section 14.5) and MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256,
// section 14.6) on OpenSSL, and the keys they use (section 9): the password itself for short-term
// credentials, MD5 (or SHA-256) of "username:realm:password" for long-term ones. The HMAC covers the
// message up to the attribute, with the header's length field set as if the attribute ended the message.
// Comparisons run in constant time.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace herald::stun {

inline constexpr std::size_t kIntegritySize = 20;
inline constexpr std::size_t kIntegritySha256Size = 32;
inline constexpr std::size_t kIntegritySha256MinSize = 16;  // it may be truncated, in steps of 4 bytes

constexpr bool is_valid_integrity_sha256_size(std::size_t size) {
  return size >= kIntegritySha256MinSize && size <= kIntegritySha256Size && size % 4 == 0;
}

enum class PasswordAlgorithm { md5, sha256 };

// The long-term credential key (RFC 8489 section 9.2.2). The strings must already be what the RFC's
// OpaqueString profile (SASLprep) makes of them; username and realm are taken without quotes.
std::string long_term_key(std::string_view username, std::string_view realm, std::string_view password,
                          PasswordAlgorithm algorithm = PasswordAlgorithm::md5);

// The HMAC-SHA1 (20 bytes) or HMAC-SHA256 (32 bytes) of `covered` under `key`: the message bytes
// before the integrity attribute, whose length field already counts up to the end of that attribute.
std::string hmac_sha1(std::string_view key, std::string_view covered);
std::string hmac_sha256(std::string_view key, std::string_view covered);

enum class IntegrityCheck { valid, absent, mismatch, malformed };

// Checks the first MESSAGE-INTEGRITY of a whole message as received. `absent` also when it only
// follows MESSAGE-INTEGRITY-SHA256 or FINGERPRINT (where the RFC says to ignore it); `malformed` when the
// bytes are not a structurally valid message or the attribute is not 20 bytes long.
IntegrityCheck verify_message_integrity(std::string_view message, std::string_view key);

// The same for MESSAGE-INTEGRITY-SHA256, whose value may be a truncated HMAC (16-32 bytes, steps of 4).
IntegrityCheck verify_message_integrity_sha256(std::string_view message, std::string_view key);

}  // namespace herald::stun
