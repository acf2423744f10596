// Connection tokens: base64url, HS256/RS256/ES256 signatures made and checked, and every refusal of the
// verifier (forged, expired, not yet valid, wrong issuer or audience, wrong algorithm, alg none, algorithm
// confusion, truncated, malformed claims).
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json.hpp>

#include "protocol/jwt/base64url.hpp"
#include "protocol/jwt/jwt_minter.hpp"
#include "protocol/jwt/jwt_signature.hpp"
#include "protocol/jwt/jwt_verifier.hpp"

namespace herald {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

// A fresh key pair as PEM: {private, public}.
std::pair<std::string, std::string> make_pem_pair(const char* type, const char* param) {
  EVP_PKEY* key = type == std::string_view("RSA")
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", param);
  EXPECT_NE(key, nullptr);
  auto to_pem = [&](bool priv) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (priv)
      PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    else
      PEM_write_bio_PUBKEY(bio, key);
    char* data = nullptr;
    long length = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    return pem;
  };
  std::pair<std::string, std::string> pems{to_pem(true), to_pem(false)};
  EVP_PKEY_free(key);
  return pems;
}

const std::pair<std::string, std::string>& rsa_pems() {
  static auto pems = make_pem_pair("RSA", nullptr);
  return pems;
}

const std::pair<std::string, std::string>& ec_pems() {
  static auto pems = make_pem_pair("EC", "P-256");
  return pems;
}

Clock::time_point at(double seconds) {
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
}

constexpr double kNow = 1'800'000'000;

JwtVerifier verifier_with(std::vector<JwtKey> keys, std::string issuer = {}, std::string audience = {}) {
  JwtVerifierSettings settings;
  settings.keys = std::move(keys);
  settings.issuer = std::move(issuer);
  settings.audience = std::move(audience);
  settings.leeway = std::chrono::seconds(5);
  return JwtVerifier(std::move(settings));
}

json::object claims(const json::object& extra = {}) {
  json::object c{{"sub", "alice"}, {"channels", json::array{"chat:*", "news"}}, {"exp", kNow + 60}};
  for (const auto& kv : extra) c[kv.key()] = kv.value();
  return c;
}

std::string refusal_of(const JwtVerification& result) {
  if (auto* refusal = std::get_if<JwtRefusal>(&result)) return refusal->message;
  return "";
}

std::string header_payload(const json::object& header, const json::object& payload) {
  return base64url_encode(json::serialize(header)) + "." + base64url_encode(json::serialize(payload));
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    auto decoded = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, bytes);
    bytes.push_back(static_cast<char>(i * 37 + 250));
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Base64Url, RefusesWhatIsNotCanonicalBase64Url) {
  EXPECT_FALSE(base64url_decode("ab+c"));
  EXPECT_FALSE(base64url_decode("ab/c"));
  EXPECT_FALSE(base64url_decode("abc="));
  EXPECT_FALSE(base64url_decode("a"));
  EXPECT_FALSE(base64url_decode("ab c"));
  EXPECT_FALSE(base64url_decode("QR"));  // "Q" leaves bits set after the one byte it encodes
  EXPECT_TRUE(base64url_decode("QQ"));
}

TEST(Jwt, Hs256TokenGivesItsClaims) {
  JwtKey key = JwtKey::hmac("s3cret");
  auto result = verifier_with({key}).verify(
      mint_jwt(key,
               claims({{"publish", json::array{"chat:room1"}}, {"info", json::object{{"name", "Alice"}}}})),
      at(kNow));
  ASSERT_TRUE(std::holds_alternative<JwtClaims>(result)) << refusal_of(result);
  const auto& c = std::get<JwtClaims>(result);
  EXPECT_EQ(c.subject, "alice");
  EXPECT_EQ(c.channels, (std::vector<std::string>{"chat:*", "news"}));
  EXPECT_EQ(c.publish, (std::vector<std::string>{"chat:room1"}));
  EXPECT_EQ(c.info, R"({"name":"Alice"})");
  ASSERT_TRUE(c.expires_at);
  EXPECT_EQ(*c.expires_at, at(kNow + 65));  // exp plus the leeway
}

TEST(Jwt, Rs256AndEs256TokensVerifyWithThePublicKey) {
  for (const auto* pems : {&rsa_pems(), &ec_pems()}) {
    JwtKey signer = JwtKey::from_pem(pems->first);
    JwtKey checker = JwtKey::from_pem(pems->second);
    EXPECT_TRUE(signer.can_sign());
    EXPECT_FALSE(checker.can_sign());
    EXPECT_EQ(signer.algorithm(), checker.algorithm());
    auto result = verifier_with({checker}).verify(mint_jwt(signer, claims()), at(kNow));
    EXPECT_TRUE(std::holds_alternative<JwtClaims>(result)) << refusal_of(result);
  }
  EXPECT_EQ(JwtKey::from_pem(rsa_pems().second).algorithm(), JwtAlgorithm::rs256);
  EXPECT_EQ(JwtKey::from_pem(ec_pems().second).algorithm(), JwtAlgorithm::es256);
}

TEST(Jwt, Es256SignatureIsRawRAndS) {
  JwtKey signer = JwtKey::from_pem(ec_pems().first);
  EXPECT_EQ(sign_jws(signer, "input").size(), 64u);
  EXPECT_TRUE(verify_jws_signature(JwtKey::from_pem(ec_pems().second), "input", sign_jws(signer, "input")));
}

TEST(Jwt, KeysThatCannotBeUsedAreRefusedWithAReason) {
  EXPECT_THROW(JwtKey::hmac(""), std::invalid_argument);
  EXPECT_THROW(JwtKey::from_pem("not a key"), std::invalid_argument);
  auto p384 = make_pem_pair("EC", "P-384");
  EXPECT_THROW(JwtKey::from_pem(p384.second), std::invalid_argument);
  EXPECT_THROW(sign_jws(JwtKey::from_pem(rsa_pems().second), "x"), std::invalid_argument);
}

TEST(Jwt, ForgedSignatureIsRefused) {
  JwtKey key = JwtKey::hmac("s3cret");
  std::string token = mint_jwt(JwtKey::hmac("other"), claims());
  EXPECT_EQ(refusal_of(verifier_with({key}).verify(token, at(kNow))), "the token signature is not valid");
  // The payload changed after signing.
  std::string good = mint_jwt(key, claims());
  auto dot = good.find('.');
  std::string tampered = good.substr(0, dot + 1) +
                         base64url_encode(json::serialize(claims({{"channels", json::array{"*"}}}))) +
                         good.substr(good.rfind('.'));
  EXPECT_EQ(refusal_of(verifier_with({key}).verify(tampered, at(kNow))), "the token signature is not valid");
}

TEST(Jwt, ExpiredTokenIsRefusedAsExpiredAfterTheLeeway) {
  JwtKey key = JwtKey::hmac("s3cret");
  auto verifier = verifier_with({key});
  std::string token = mint_jwt(key, claims({{"exp", kNow}}));
  EXPECT_TRUE(std::holds_alternative<JwtClaims>(verifier.verify(token, at(kNow + 4))));
  auto result = verifier.verify(token, at(kNow + 5));
  ASSERT_TRUE(std::holds_alternative<JwtRefusal>(result));
  EXPECT_TRUE(std::get<JwtRefusal>(result).expired);
}

TEST(Jwt, AnExpiryBeyondTheClocksRangeNeverComes) {
  JwtKey key = JwtKey::hmac("s3cret");
  auto verifier = verifier_with({key});
  for (double exp : {9'999'999'999.0, 1e300}) {  // year 2286 (past system_clock's 2262), and beyond
    auto result = verifier.verify(mint_jwt(key, claims({{"exp", exp}})), at(kNow));
    ASSERT_TRUE(std::holds_alternative<JwtClaims>(result)) << exp;
    const auto& expires_at = std::get<JwtClaims>(result).expires_at;
    ASSERT_TRUE(expires_at);
    EXPECT_EQ(*expires_at, Clock::time_point::max()) << exp;
  }
}

TEST(Jwt, NotYetValidAndIssuedInTheFutureAreRefused) {
  JwtKey key = JwtKey::hmac("s3cret");
  auto verifier = verifier_with({key});
  EXPECT_EQ(refusal_of(verifier.verify(mint_jwt(key, claims({{"nbf", kNow + 10}})), at(kNow))),
            "the token is not valid yet (\"nbf\")");
  EXPECT_TRUE(std::holds_alternative<JwtClaims>(
      verifier.verify(mint_jwt(key, claims({{"nbf", kNow + 3}})), at(kNow))));
  EXPECT_EQ(refusal_of(verifier.verify(mint_jwt(key, claims({{"iat", kNow + 10}})), at(kNow))),
            "the token was issued in the future (\"iat\")");
  EXPECT_EQ(refusal_of(verifier.verify(mint_jwt(key, claims({{"exp", "tomorrow"}})), at(kNow))),
            "\"exp\", \"nbf\" and \"iat\" must be numbers of seconds since 1970");
}

TEST(Jwt, IssuerAndAudienceAreCheckedWhenConfigured) {
  JwtKey key = JwtKey::hmac("s3cret");
  auto verifier = verifier_with({key}, "https://auth.example.com", "herald");
  auto ok =
      mint_jwt(key, claims({{"iss", "https://auth.example.com"}, {"aud", json::array{"other", "herald"}}}));
  EXPECT_TRUE(std::holds_alternative<JwtClaims>(verifier.verify(ok, at(kNow))));
  EXPECT_EQ(refusal_of(verifier.verify(
                mint_jwt(key, claims({{"iss", "https://auth.example.com"}, {"aud", "other"}})), at(kNow))),
            "the token is not meant for this audience (\"aud\")");
  EXPECT_EQ(
      refusal_of(verifier.verify(mint_jwt(key, claims({{"iss", "evil"}, {"aud", "herald"}})), at(kNow))),
      "the token's issuer is not accepted");
  EXPECT_EQ(refusal_of(verifier.verify(mint_jwt(key, claims({{"aud", "herald"}})), at(kNow))),
            "the token's issuer is not accepted");
}

TEST(Jwt, AlgNoneIsRefused) {
  std::string token = header_payload({{"alg", "none"}, {"typ", "JWT"}}, claims()) + ".";
  EXPECT_EQ(refusal_of(verifier_with({JwtKey::hmac("s3cret")}).verify(token, at(kNow))),
            "tokens signed with none are not accepted");
}

TEST(Jwt, AnAlgorithmWithoutAConfiguredKeyIsRefused) {
  JwtKey hmac = JwtKey::hmac("s3cret");
  EXPECT_EQ(
      refusal_of(
          verifier_with({JwtKey::from_pem(rsa_pems().second)}).verify(mint_jwt(hmac, claims()), at(kNow))),
      "tokens signed with HS256 are not accepted");
  std::string hs512 = header_payload({{"alg", "HS512"}}, claims()) + ".c2ln";
  EXPECT_EQ(refusal_of(verifier_with({hmac}).verify(hs512, at(kNow))),
            "tokens signed with HS512 are not accepted");
}

TEST(Jwt, AlgorithmConfusionWithThePublicKeyAsHmacSecretFails) {
  // The classic attack: sign HS256 with the server's public RSA key text as the HMAC secret.
  const std::string& public_pem = rsa_pems().second;
  std::string forged = mint_jwt(JwtKey::hmac(public_pem), claims());
  EXPECT_EQ(refusal_of(verifier_with({JwtKey::from_pem(public_pem)}).verify(forged, at(kNow))),
            "tokens signed with HS256 are not accepted");
  // Even with an HMAC key configured as well, the public key is never used as an HMAC secret.
  EXPECT_EQ(
      refusal_of(
          verifier_with({JwtKey::from_pem(public_pem), JwtKey::hmac("s3cret")}).verify(forged, at(kNow))),
      "the token signature is not valid");
}

TEST(Jwt, KeyIdSelectsTheKeyForRotation) {
  JwtKey old_key = JwtKey::hmac("old-secret", "2026-01");
  JwtKey new_key = JwtKey::hmac("new-secret", "2026-02");
  auto verifier = verifier_with({old_key, new_key});
  EXPECT_TRUE(std::holds_alternative<JwtClaims>(verifier.verify(mint_jwt(old_key, claims()), at(kNow))));
  EXPECT_TRUE(std::holds_alternative<JwtClaims>(verifier.verify(mint_jwt(new_key, claims()), at(kNow))));
  EXPECT_EQ(refusal_of(verifier.verify(mint_jwt(JwtKey::hmac("new-secret", "2025-12"), claims()), at(kNow))),
            "the token's key id is not known");
  // Without a kid every key of the algorithm is tried.
  EXPECT_TRUE(std::holds_alternative<JwtClaims>(
      verifier.verify(mint_jwt(JwtKey::hmac("new-secret"), claims()), at(kNow))));
}

TEST(Jwt, TruncatedAndMalformedTokensAreRefused) {
  JwtKey key = JwtKey::hmac("s3cret");
  auto verifier = verifier_with({key});
  std::string token = mint_jwt(key, claims());
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, token.find('.'), token.find('.') + 1,
                          token.rfind('.'), token.size() - 1}) {
    EXPECT_FALSE(std::holds_alternative<JwtClaims>(verifier.verify(token.substr(0, cut), at(kNow)))) << cut;
  }
  EXPECT_EQ(refusal_of(verifier.verify("a.b.c.d", at(kNow))),
            "the token is not a JSON Web Token (header.payload.signature)");
  EXPECT_EQ(refusal_of(verifier.verify(std::string(9000, 'a'), at(kNow))), "the token is too long");
  EXPECT_EQ(
      refusal_of(verifier.verify(
          header_payload({{"alg", "HS256"}, {"crit", json::array{"b64"}}}, claims()) + ".AA", at(kNow))),
      "the token names critical header parameters herald does not know");
}

TEST(Jwt, HeraldClaimsMustHaveTheirTypes) {
  JwtKey key = JwtKey::hmac("s3cret");
  auto verifier = verifier_with({key});
  EXPECT_EQ(refusal_of(verifier.verify(mint_jwt(key, claims({{"channels", "chat:*"}})), at(kNow))),
            "\"channels\" must be an array of channel names or prefixes ending in *");
  EXPECT_EQ(refusal_of(verifier.verify(mint_jwt(key, claims({{"publish", json::array{"a*b"}}})), at(kNow))),
            "\"publish\" must be an array of channel names or prefixes ending in *");
  EXPECT_EQ(refusal_of(verifier.verify(mint_jwt(key, claims({{"sub", 42}})), at(kNow))),
            "\"sub\" must be a string");
  EXPECT_EQ(refusal_of(verifier.verify(mint_jwt(key, claims({{"info", std::string(3000, 'x')}})), at(kNow))),
            "\"info\" is too large");
}

TEST(Jwt, TokenWithoutExpiryHasNone) {
  JwtKey key = JwtKey::hmac("s3cret");
  json::object c{{"sub", "svc"}};
  auto result = verifier_with({key}).verify(mint_jwt(key, c), at(kNow));
  ASSERT_TRUE(std::holds_alternative<JwtClaims>(result));
  EXPECT_FALSE(std::get<JwtClaims>(result).expires_at);
  EXPECT_TRUE(std::get<JwtClaims>(result).channels.empty());
}

}  // namespace
}  // namespace herald
