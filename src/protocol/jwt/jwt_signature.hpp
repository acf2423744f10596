// JWS signatures (RFC 7515, algorithms of RFC 7518 section 3): HMAC-SHA256, RSASSA-PKCS1-v1_5 with SHA-256
// and ECDSA P-256 with SHA-256 (the 64-byte r||s form), computed and checked with OpenSSL.
#pragma once
#include <string>
#include <string_view>

#include "protocol/jwt/jwt_key.hpp"

namespace herald {

// Whether `signature` (raw bytes, already base64url-decoded) is `key`'s signature of `signing_input`.
// HMACs are compared in constant time.
bool verify_jws_signature(const JwtKey& key, std::string_view signing_input, std::string_view signature);

// `key`'s signature of `signing_input` (raw bytes). Throws std::invalid_argument for a key that cannot
// sign (a public key) and std::runtime_error when OpenSSL fails.
std::string sign_jws(const JwtKey& key, std::string_view signing_input);

}  // namespace herald
