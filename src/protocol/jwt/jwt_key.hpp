// A key that signs or verifies JSON Web Tokens, and the algorithm it is for: an HMAC secret (HS256), an RSA
// key of 2048 bits or more (RS256) or a P-256 key (ES256), the last two from PEM text (a public key, or a
// private key, which can also sign). The algorithm belongs to the key, never to the token, so a token
// cannot choose how it is checked (no algorithm confusion).
#pragma once
#include <memory>
#include <string>
#include <string_view>

using EVP_PKEY = struct evp_pkey_st;

namespace herald {

enum class JwtAlgorithm { hs256, rs256, es256 };

std::string_view jwt_algorithm_name(JwtAlgorithm algorithm);  // "HS256", "RS256", "ES256"

class JwtKey {
 public:
  // `id` is matched against a token's `kid` header (empty: a key without an id).
  static JwtKey hmac(std::string secret, std::string id = {});
  // Throws std::invalid_argument saying what is wrong: not a PEM key, another key type, an RSA key under
  // 2048 bits, an EC curve other than P-256.
  static JwtKey from_pem(std::string_view pem, std::string id = {});
  // The key in PEM file `path`, whose id is the file's name without ".pem" unless `id` is given. Throws
  // std::invalid_argument as from_pem does, or when the file cannot be read.
  static JwtKey from_pem_file(const std::string& path, std::string id = {});

  JwtAlgorithm algorithm() const { return algorithm_; }
  const std::string& id() const { return id_; }
  bool can_sign() const { return can_sign_; }

  const std::string& secret() const { return secret_; }  // HS256 only
  EVP_PKEY* pkey() const { return pkey_.get(); }         // RS256 and ES256 only

 private:
  JwtKey(JwtAlgorithm algorithm, std::string id) : algorithm_(algorithm), id_(std::move(id)) {}

  JwtAlgorithm algorithm_;
  std::string id_;
  bool can_sign_ = false;
  std::string secret_;
  std::shared_ptr<EVP_PKEY> pkey_;
};

}  // namespace herald
