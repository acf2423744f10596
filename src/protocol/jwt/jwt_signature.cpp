// HS256, RS256 and ES256 on OpenSSL 3: one-shot HMAC, EVP_DigestSign/Verify, and the conversion between
// JWS's fixed-size r||s ECDSA signatures and the DER form OpenSSL uses.
#include "protocol/jwt/jwt_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <stdexcept>

namespace herald {
namespace {

constexpr std::size_t kP256CoordinateBytes = 32;

std::string hmac_sha256(const std::string& secret, std::string_view input) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest, &length)) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<char*>(digest), length);
}

using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)>;

bool digest_verify(EVP_PKEY* key, std::string_view input, std::string_view der_or_raw) {
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der_or_raw.data()),
                          der_or_raw.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

std::string digest_sign(EVP_PKEY* key, std::string_view input) {
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 0;
  auto data = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) != 1) {
    throw std::runtime_error("signing failed");
  }
  std::string out(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, data, input.size()) !=
      1) {
    throw std::runtime_error("signing failed");
  }
  out.resize(length);
  return out;
}

// r||s (32 bytes each) → DER; empty when `raw` has the wrong size.
std::string ecdsa_raw_to_der(std::string_view raw) {
  if (raw.size() != 2 * kP256CoordinateBytes) return {};
  auto bytes = reinterpret_cast<const unsigned char*>(raw.data());
  EcdsaSig sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  BIGNUM* r = BN_bin2bn(bytes, kP256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + kP256CoordinateBytes, kP256CoordinateBytes, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

// DER → r||s, each left-padded to 32 bytes.
std::string ecdsa_der_to_raw(const std::string& der) {
  auto cursor = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())), ECDSA_SIG_free);
  if (!sig) throw std::runtime_error("ECDSA signature not decodable");
  std::string out(2 * kP256CoordinateBytes, '\0');
  auto target = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), target, kP256CoordinateBytes) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), target + kP256CoordinateBytes, kP256CoordinateBytes) < 0) {
    throw std::runtime_error("ECDSA signature too large");
  }
  return out;
}

}  // namespace

bool verify_jws_signature(const JwtKey& key, std::string_view signing_input, std::string_view signature) {
  switch (key.algorithm()) {
    case JwtAlgorithm::hs256: {
      std::string expected = hmac_sha256(key.secret(), signing_input);
      return signature.size() == expected.size() &&
             CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
    }
    case JwtAlgorithm::rs256:
      return digest_verify(key.pkey(), signing_input, signature);
    case JwtAlgorithm::es256: {
      std::string der = ecdsa_raw_to_der(signature);
      return !der.empty() && digest_verify(key.pkey(), signing_input, der);
    }
  }
  return false;
}

std::string sign_jws(const JwtKey& key, std::string_view signing_input) {
  if (!key.can_sign()) throw std::invalid_argument("a public key cannot sign: give the private key");
  switch (key.algorithm()) {
    case JwtAlgorithm::hs256:
      return hmac_sha256(key.secret(), signing_input);
    case JwtAlgorithm::rs256:
      return digest_sign(key.pkey(), signing_input);
    case JwtAlgorithm::es256:
      return ecdsa_der_to_raw(digest_sign(key.pkey(), signing_input));
  }
  throw std::invalid_argument("unknown algorithm");
}

}  // namespace herald
