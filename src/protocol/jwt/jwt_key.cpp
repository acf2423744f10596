// Loading JWT keys: HMAC secrets as given, RSA and EC keys from PEM through OpenSSL's decoders, each
// checked for the one algorithm herald will use it with.
#include "protocol/jwt/jwt_key.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace herald {

std::string_view jwt_algorithm_name(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::hs256:
      return "HS256";
    case JwtAlgorithm::rs256:
      return "RS256";
    case JwtAlgorithm::es256:
      return "ES256";
  }
  return "?";
}

JwtKey JwtKey::hmac(std::string secret, std::string id) {
  if (secret.empty()) throw std::invalid_argument("the HMAC secret is empty");
  JwtKey key(JwtAlgorithm::hs256, std::move(id));
  key.secret_ = std::move(secret);
  key.can_sign_ = true;
  return key;
}

namespace {

using PkeyPtr = std::shared_ptr<EVP_PKEY>;

// A private key when `pem` holds one, else a public key; null when it holds neither.
PkeyPtr read_pem(std::string_view pem, bool& is_private) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                BIO_free);
  if (!bio) return nullptr;
  if (EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)) {
    is_private = true;
    return PkeyPtr(key, EVP_PKEY_free);
  }
  BIO_reset(bio.get());
  is_private = false;
  if (EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr))
    return PkeyPtr(key, EVP_PKEY_free);
  return nullptr;
}

JwtAlgorithm algorithm_for(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (EVP_PKEY_get_bits(key) < 2048) throw std::invalid_argument("an RSA key needs at least 2048 bits");
    return JwtAlgorithm::rs256;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char curve[64] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &length) != 1 ||
        std::string_view(curve, length) != "prime256v1") {
      throw std::invalid_argument("an EC key must be on the P-256 curve (ES256)");
    }
    return JwtAlgorithm::es256;
  }
  throw std::invalid_argument("the key is neither RSA (RS256) nor EC P-256 (ES256)");
}

}  // namespace

JwtKey JwtKey::from_pem(std::string_view pem, std::string id) {
  bool is_private = false;
  PkeyPtr pkey = read_pem(pem, is_private);
  if (!pkey) throw std::invalid_argument("not a PEM public or private key");
  JwtKey key(algorithm_for(pkey.get()), std::move(id));
  key.pkey_ = std::move(pkey);
  key.can_sign_ = is_private;
  return key;
}

JwtKey JwtKey::from_pem_file(const std::string& path, std::string id) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::invalid_argument("cannot read it: " + std::generic_category().message(errno));
  std::ostringstream content;
  content << file.rdbuf();
  if (id.empty()) id = std::filesystem::path(path).stem().string();
  return from_pem(content.str(), std::move(id));
}

}  // namespace herald
