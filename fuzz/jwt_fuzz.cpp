// Fuzz target: connection tokens through JwtVerifier::verify, with HMAC, RSA and EC keys configured,
// and the base64url coder. The first input byte picks the mode:
//   0: the rest is a token, verified as a client sent it;
//   1-3: the rest is "HEADER\nPAYLOAD" (JSON text, or anything), which the target signs itself (HS256,
//        ES256 or RS256) so that header and claims checks are reached past the signature;
//   4: base64url: decode(x) re-encodes to x, and decode(encode(x)) is x.
// The keys below are throwaway test keys, used nowhere else.
#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/jwt/base64url.hpp"
#include "protocol/jwt/jwt_signature.hpp"
#include "protocol/jwt/jwt_verifier.hpp"

namespace {

constexpr std::string_view kRsaPem = R"(-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDIHbV/deG2Omdk
T1Doh12vj+3T1GvwtmBNkpSDeRr8HZ33lUbuEf0VUcf2Vs7LGhNrU2ZaoK+K+kA8
EDeJRHfLlwE97Z376bOdJ+JZN5HfmDq+4c5LbKlyUOlNl9rwdbBNWfFNC3Sh2zn2
646hnJnWPHptYQr9uvggv51rstNj+dzk4OPYMH2PW///cBmKl54f/4uOpg/DqOtR
XJy6DUwVfmj0khxZCiMOOL9UNuWQHvp01rxS41MOvCxCgZlDeGtKOnA650Do9E6J
0Zg0oyA+tAf6VsW4M9t0CdeyR2fTWTAX2cwJ3iBhaNfb2Js9UfYlbkH6bZzigKCj
ZYxSCgxLAgMBAAECggEABKFvXDoxlWJnlxIgyKitOc1GTxMIxmKp+tGL/zjTr4bN
63c4U3T2GsKwMlqS4W9CiMa+xRUXysr8pocnidUcQolFfZXchIJFZjsQiUj4Zqii
n10hRWyHxT3rECEV71+By2Br7YD422/zuOt9eu7hPmxa1uIae4GSkUttzJqwOo14
nbRP9iPqK5v7qJJD2roSzDdFzuhPK/rCyTZzn8GAKcu9m4SOpKqLd3f0ps1HBtra
YfsGgVjWaVIMNXFU+K8Ebwu6ybox8Bq5wXX3a5pC3Nj5H4LZDS0CbcVNDo1lC/r3
CQtlCcnn7Pb0Zbn71oAPP88NcNvBySRMCp1K5GVm/QKBgQDljfCBELUMqL5Ot7zf
i1dVAiBx7foBM026T9/WnAHM7/AM28ioYBmvr21jHIYpKdDCcvXdBwYcci3fCqzf
J6x6NhZQpzWHR9JwwAbQ6LwFIL8F/DdZ/v1PttlhgJ3fWFNAmlC4G8nywAI3owKr
goOohUsuYC6fBZxqLBCBf0ntRQKBgQDfK5EmLzyXYqpO2tSp1bxw6C2XsrcEIiKC
zHDmfmoLNXC//RMG4jPeI+STtmTihz5lG42RKLGd5X0T/kKNXxG5h5RTUwr/Ybd0
lprw5X0vBKnO2JFFvL9u00O8ML3xP4QIpDRn4cPffk8ECtrnzGEgJ019dhZeWs8/
2ZuE7N3ETwKBgDRrw35VyGKJrlvfjZwm/9yDzdD2nV7kzl07nEwv+CFKsbDeB+ab
e4IpN3uoqeKAkBG3mvnMftLEKEGE+JFFSBfofhQQ+yJXfnENCQFwBG/PWJAPVryQ
hFxNzzp62pKEYw6frss8XVO4EUmPSi7McTBssAx5HmxmJaABTAume8VZAoGAVRgK
n3Gxe9O+NpUQM7XwxWhyQf599FCDsjX78pdPHfkBheMchypnNpOfC4enjgydiPXp
k+jdWORxPddcTwVp/8EnmGH4tonu5sCqUaJfijcP/HPtaJbgs4RQtogrVLqwQI9E
ADxAcI572IG/GFWAzz7NOEJ3owCjN6hkuVmL8dcCgYB8c4TnBB7LNY0ZlCan9vgR
x9GSzB0wd3PycoqLPANwjKBmfZRc7JRfLDoQUCLAiK+K618wLmgpdB+KA29pG5r5
g5pqukGSMaqTIz/ZmAxcHeB37pDhCrSCtmGPUaY1KCUIPti/mA1OqBPQ+RxU+TQ4
vl5EHg9SVWR3VR4xOZFDUQ==
-----END PRIVATE KEY-----
)";
constexpr std::string_view kEcPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg47nzriCUsBw/MXJP
Z7Nq1yrBfV89yOsMa0aj9mAC3R2hRANCAAQ0A/Nk9bC0WDgm/WnRXoLGiG+9ji1V
Xw+wV67B4vBqJ1wm8/yFWgBzLXBkDZLLgbdOVIjirMUYSIMfW+pDEI+9
-----END PRIVATE KEY-----
)";
// A fixed "now" keeps runs reproducible: 2026-01-01T00:00:00Z.
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));

void require(bool condition) {
  if (!condition) std::abort();
}

struct Keys {
  herald::JwtKey hmac = herald::JwtKey::hmac("fuzz-secret-fuzz-secret-fuzz-sec", "h1");
  herald::JwtKey ec = herald::JwtKey::from_pem(kEcPem, "e1");
  herald::JwtKey rsa = herald::JwtKey::from_pem(kRsaPem, "r1");
};

const Keys& keys() {
  static const Keys instance;
  return instance;
}

const herald::JwtVerifier& verifier() {
  static const herald::JwtVerifier instance([] {
    herald::JwtVerifierSettings settings;
    settings.keys = {keys().hmac, keys().ec, keys().rsa, herald::JwtKey::hmac("second-secret")};
    settings.issuer = "https://issuer.example";
    settings.audience = "herald";
    return settings;
  }());
  return instance;
}

void check_verification(std::string_view token) {
  auto result = verifier().verify(token, kNow);
  if (auto* claims = std::get_if<herald::JwtClaims>(&result)) {
    if (claims->expires_at) require(*claims->expires_at > kNow);  // exp plus the leeway
    require(claims->info.size() <= verifier().settings().max_info_bytes);
    if (!claims->info.empty()) {
      boost::system::error_code ec;
      boost::json::parse(claims->info, ec);
      require(!ec);
    }
  } else {
    require(!std::get<herald::JwtRefusal>(result).message.empty());
  }
}

void check_signed(std::string_view text, const herald::JwtKey& key) {
  auto newline = text.find('\n');
  std::string_view header = text.substr(0, newline);
  std::string_view payload =
      newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  std::string input = herald::base64url_encode(header) + "." + herald::base64url_encode(payload);
  std::string token = input + "." + herald::base64url_encode(herald::sign_jws(key, input));
  check_verification(token);
}

void check_base64url(std::string_view text) {
  if (auto decoded = herald::base64url_decode(text)) require(herald::base64url_encode(*decoded) == text);
  require(herald::base64url_decode(herald::base64url_encode(text)) == std::string(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
    case 0:
      check_verification(text);
      break;
    case 1:
      check_signed(text, keys().hmac);
      break;
    case 2:
      check_signed(text, keys().ec);
      break;
    case 3:
      check_signed(text, keys().rsa);
      break;
    default:
      check_base64url(text);
  }
  return 0;
}
