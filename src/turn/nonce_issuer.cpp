// Nonces (see nonce_issuer.hpp).
#include "turn/nonce_issuer.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "protocol/stun/integrity.hpp"

namespace herald::turn {
namespace {

constexpr std::size_t kKeySize = 32;
constexpr std::size_t kExpiryDigits = 16;  // milliseconds, hexadecimal
constexpr std::size_t kMacDigits = 24;     // 96 bits of the HMAC, hexadecimal

std::string random_key() {
  std::string key(kKeySize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
    throw std::runtime_error("no random bytes for the TURN nonce key");
  return key;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0F];
  }
  return out;
}

std::string expiry_text(double expires) {
  auto ms = static_cast<std::uint64_t>(std::max(0.0, std::floor(expires * 1000)));
  char buffer[kExpiryDigits + 1] = {};
  auto [end, error] = std::to_chars(buffer, buffer + kExpiryDigits, ms, 16);
  std::string digits(buffer, end);
  return std::string(kExpiryDigits - digits.size(), '0') + digits;
}

}  // namespace

NonceIssuer::NonceIssuer(double lifetime) : NonceIssuer(lifetime, random_key()) {}

NonceIssuer::NonceIssuer(double lifetime, std::string key) : lifetime_(lifetime), key_(std::move(key)) {}

std::string NonceIssuer::mac(std::string_view expiry, std::string_view client) const {
  std::string covered(expiry);
  covered += '|';
  covered += client;
  return hex(stun::hmac_sha256(key_, covered)).substr(0, kMacDigits);
}

std::string NonceIssuer::issue(std::string_view client, double now) const {
  std::string expiry = expiry_text(now + lifetime_);
  return expiry + mac(expiry, client);
}

NonceCheck NonceIssuer::check(std::string_view nonce, std::string_view client, double now) const {
  if (nonce.size() != kExpiryDigits + kMacDigits) return NonceCheck::stale;
  std::string_view expiry = nonce.substr(0, kExpiryDigits);
  std::string expected = mac(expiry, client);
  if (CRYPTO_memcmp(expected.data(), nonce.data() + kExpiryDigits, kMacDigits) != 0) return NonceCheck::stale;
  std::uint64_t ms = 0;
  auto [end, error] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), ms, 16);
  if (error != std::errc{} || end != expiry.data() + expiry.size()) return NonceCheck::stale;
  return static_cast<double>(ms) / 1000 > now ? NonceCheck::valid : NonceCheck::stale;
}

}  // namespace herald::turn
