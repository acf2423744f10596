// TURN REST API credentials: a known value (computed once with
//   printf %s '1767225600:alice' | openssl dgst -sha1 -hmac turn-shared-secret -binary | base64
// ), expiry at the second, malformed usernames, password checks; and the standard base64 they use.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "protocol/base64.hpp"
#include "protocol/stun/integrity.hpp"
#include "protocol/stun/rest_credentials.hpp"

namespace herald::stun {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::system_clock;

const std::string kSecret = "turn-shared-secret";
const Clock::time_point kExpiry{seconds(1767225600)};  // 2026-01-01T00:00:00Z

TEST(TurnRestCredentials, MintMatchesOpenSsl) {
  RestCredential credential = mint_rest_credential(kSecret, "alice", kExpiry);
  EXPECT_EQ(credential.username, "1767225600:alice");
  EXPECT_EQ(credential.password, "w2XZTBd9ZzVn1zdnGsqqJT/XpRo=");
  // Without a user the username is the expiry alone
  // (printf %s 1767225600 | openssl dgst -sha1 -hmac turn-shared-secret -binary | base64).
  RestCredential anonymous = mint_rest_credential(kSecret, "", kExpiry + std::chrono::milliseconds(999));
  EXPECT_EQ(anonymous.username, "1767225600");
  EXPECT_EQ(anonymous.password, "xlmWIfWKHNHEs9ZutyyH/O08n7E=");
}

TEST(TurnRestCredentials, UsernameIsValidThroughItsExpirySecond) {
  RestUsername before = check_rest_username(kSecret, "1767225600:alice", kExpiry - seconds(3600));
  EXPECT_EQ(before.status, RestCheck::valid);
  EXPECT_EQ(before.password, "w2XZTBd9ZzVn1zdnGsqqJT/XpRo=");
  EXPECT_EQ(before.expires_at, kExpiry);
  EXPECT_EQ(check_rest_username(kSecret, "1767225600:alice", kExpiry + std::chrono::milliseconds(999)).status,
            RestCheck::valid);
  RestUsername after = check_rest_username(kSecret, "1767225600:alice", kExpiry + seconds(1));
  EXPECT_EQ(after.status, RestCheck::expired);
  EXPECT_TRUE(after.password.empty());
  EXPECT_EQ(after.expires_at, kExpiry);
}

TEST(TurnRestCredentials, MalformedUsernames) {
  for (const char* username : {"", "alice", ":alice", "alice:1767225600", "-5:alice", "+5:alice",
                               "12ab:alice", "99999999999999999999:alice", " 1767225600:alice"}) {
    EXPECT_EQ(check_rest_username(kSecret, username, kExpiry).status, RestCheck::malformed) << username;
  }
  // The user part may itself hold colons.
  EXPECT_EQ(check_rest_username(kSecret, "1767225600:a:b", kExpiry).status, RestCheck::valid);
}

TEST(TurnRestCredentials, AnExpiryBeyondTheClocksRangeNeverComes) {
  // 17672252600 seconds is in the year 2530, after system_clock's last nanosecond (2262): converting it
  // overflowed. It now expires at the clock's last time point.
  for (const char* username : {"17672252600:alice", "9223372036854775807:alice"}) {
    RestUsername checked = check_rest_username(kSecret, username, kExpiry);
    EXPECT_EQ(checked.status, RestCheck::valid) << username;
    EXPECT_EQ(checked.expires_at, Clock::time_point::max());
    EXPECT_EQ(checked.password, rest_password(kSecret, username));
  }
  EXPECT_EQ(check_rest_username(kSecret, "1767225600:alice", Clock::time_point::max()).status,
            RestCheck::expired);
}

TEST(TurnRestCredentials, CheckingAPair) {
  RestCredential credential = mint_rest_credential(kSecret, "alice", kExpiry);
  auto now = kExpiry - seconds(60);
  EXPECT_EQ(check_rest_credential(kSecret, credential.username, credential.password, now), RestCheck::valid);
  EXPECT_EQ(check_rest_credential("other-secret", credential.username, credential.password, now),
            RestCheck::wrong_password);
  EXPECT_EQ(check_rest_credential(kSecret, "1767225600:bob", credential.password, now),
            RestCheck::wrong_password);
  EXPECT_EQ(check_rest_credential(kSecret, credential.username, "", now), RestCheck::wrong_password);
  EXPECT_EQ(check_rest_credential(kSecret, credential.username, credential.password, kExpiry + seconds(5)),
            RestCheck::expired);
}

TEST(TurnRestCredentials, TheLongTermKeyComesFromTheRecomputedPassword) {
  RestCredential credential = mint_rest_credential(kSecret, "alice", kExpiry);
  RestUsername checked = check_rest_username(kSecret, credential.username, kExpiry);
  EXPECT_EQ(long_term_key(credential.username, "herald.example", checked.password),
            long_term_key(credential.username, "herald.example", credential.password));
}

TEST(Base64, EncodesWithPadding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(Base64, DecodesOnlyCanonicalText) {
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode("+/8="), "\xfb\xff");
  EXPECT_EQ(base64_decode("AAA="), std::string(2, '\0'));
  for (const char* bad :
       {"Zg", "Zg=", "Zg===", "====", "Z===", "Zh==", "Zm9", " Zm9v", "Zm9v\n", "Zm-v", "Z=g="}) {
    EXPECT_FALSE(base64_decode(bad)) << bad;
  }
}

}  // namespace
}  // namespace herald::stun
