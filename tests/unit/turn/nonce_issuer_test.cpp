// Nonces: valid for their client until they expire, stale afterwards, from another client, with another
// key (another run of the server) and when altered.
#include "turn/nonce_issuer.hpp"

#include <gtest/gtest.h>

namespace herald::turn {
namespace {

TEST(NonceIssuer, ValidUntilItsLifetimeEnds) {
  NonceIssuer nonces(600, "key");
  std::string nonce = nonces.issue("udp 127.0.0.1:5000", 1000);
  EXPECT_EQ(nonces.check(nonce, "udp 127.0.0.1:5000", 1000), NonceCheck::valid);
  EXPECT_EQ(nonces.check(nonce, "udp 127.0.0.1:5000", 1599.9), NonceCheck::valid);
  EXPECT_EQ(nonces.check(nonce, "udp 127.0.0.1:5000", 1600), NonceCheck::stale);
  EXPECT_EQ(nonces.check(nonce, "udp 127.0.0.1:5000", 5000), NonceCheck::stale);
}

TEST(NonceIssuer, BoundToTheClientAndTheKey) {
  NonceIssuer nonces(600, "key");
  std::string nonce = nonces.issue("udp 127.0.0.1:5000", 0);
  EXPECT_EQ(nonces.check(nonce, "udp 127.0.0.1:5001", 1), NonceCheck::stale);
  EXPECT_EQ(nonces.check(nonce, "tcp 127.0.0.1:5000", 1), NonceCheck::stale);
  EXPECT_EQ(NonceIssuer(600, "other key").check(nonce, "udp 127.0.0.1:5000", 1), NonceCheck::stale);
  EXPECT_EQ(NonceIssuer(600).check(nonce, "udp 127.0.0.1:5000", 1), NonceCheck::stale);
}

TEST(NonceIssuer, AlteredOrMalformedNoncesAreStale) {
  NonceIssuer nonces(600, "key");
  std::string nonce = nonces.issue("c", 0);
  std::string later = nonce;
  later[0] = 'f';  // a later expiry: the HMAC no longer matches
  EXPECT_EQ(nonces.check(later, "c", 1), NonceCheck::stale);
  EXPECT_EQ(nonces.check("", "c", 1), NonceCheck::stale);
  EXPECT_EQ(nonces.check(nonce.substr(1), "c", 1), NonceCheck::stale);
  EXPECT_EQ(nonces.check(nonce + "0", "c", 1), NonceCheck::stale);
  EXPECT_LT(nonce.size(), 128u);  // RFC 8489: fewer than 128 characters
}

}  // namespace
}  // namespace herald::turn
