// HMAC and digests on OpenSSL's one-shot functions; the integrity check finds the attribute with the
// shared attribute walk and HMACs a copy of the covered bytes with the length field adjusted.
#include "protocol/stun/integrity.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <optional>
#include <stdexcept>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/attribute_walk.hpp"

namespace herald::stun {
namespace {

std::string digest(const EVP_MD* md, std::string_view input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), out, &length, md, nullptr) != 1) {
    throw std::runtime_error("digest failed");
  }
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view covered) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // An empty key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
  const char* key_bytes = key.empty() ? "" : key.data();
  if (!HMAC(md, key_bytes, static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(covered.data()), covered.size(), out, &length)) {
    throw std::runtime_error("HMAC failed");
  }
  return std::string(reinterpret_cast<char*>(out), length);
}

struct Located {
  bool malformed = false;
  std::optional<RawAttribute> attribute;
};

// The first attribute of type `wanted` that the RFC does not say to ignore: nothing after FINGERPRINT
// counts, and after MESSAGE-INTEGRITY(-SHA256) only the attributes allowed to follow it.
Located locate(std::string_view message, std::uint16_t wanted) {
  Located result;
  if (check_header(message)) return {true, std::nullopt};
  auto error = walk_attributes(message, [&](const RawAttribute& attribute) {
    if (attribute.type == attribute::fingerprint) return false;
    if (attribute.type == wanted) {
      result.attribute = attribute;
      return false;
    }
    // After MESSAGE-INTEGRITY-SHA256 only FINGERPRINT counts (a MESSAGE-INTEGRITY there is ignored);
    // MESSAGE-INTEGRITY-SHA256 may follow MESSAGE-INTEGRITY.
    return attribute.type != attribute::message_integrity_sha256;
  });
  if (error) result.malformed = true;
  return result;
}

// `message` up to `attribute`, with the length field counting up to the end of the attribute.
std::string covered_bytes(std::string_view message, const RawAttribute& attribute) {
  std::string covered(message.substr(0, attribute.offset));
  write_u16(covered.data() + 2, static_cast<std::uint16_t>(attribute.end - kHeaderSize));
  return covered;
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string long_term_key(std::string_view username, std::string_view realm, std::string_view password,
                          PasswordAlgorithm algorithm) {
  std::string input;
  input.reserve(username.size() + realm.size() + password.size() + 2);
  input.append(username).append(":").append(realm).append(":").append(password);
  return digest(algorithm == PasswordAlgorithm::md5 ? EVP_md5() : EVP_sha256(), input);
}

std::string hmac_sha1(std::string_view key, std::string_view covered) {
  return hmac(EVP_sha1(), key, covered);
}

std::string hmac_sha256(std::string_view key, std::string_view covered) {
  return hmac(EVP_sha256(), key, covered);
}

IntegrityCheck verify_message_integrity(std::string_view message, std::string_view key) {
  Located found = locate(message, attribute::message_integrity);
  if (found.malformed) return IntegrityCheck::malformed;
  if (!found.attribute) return IntegrityCheck::absent;
  if (found.attribute->value.size() != kIntegritySize) return IntegrityCheck::malformed;
  std::string expected = hmac_sha1(key, covered_bytes(message, *found.attribute));
  return equal_in_constant_time(expected, found.attribute->value) ? IntegrityCheck::valid
                                                                  : IntegrityCheck::mismatch;
}

IntegrityCheck verify_message_integrity_sha256(std::string_view message, std::string_view key) {
  Located found = locate(message, attribute::message_integrity_sha256);
  if (found.malformed) return IntegrityCheck::malformed;
  if (!found.attribute) return IntegrityCheck::absent;
  std::string_view received = found.attribute->value;
  if (!is_valid_integrity_sha256_size(received.size())) return IntegrityCheck::malformed;
  std::string expected =
      hmac_sha256(key, covered_bytes(message, *found.attribute)).substr(0, received.size());
  return equal_in_constant_time(expected, received) ? IntegrityCheck::valid : IntegrityCheck::mismatch;
}

}  // namespace herald::stun
