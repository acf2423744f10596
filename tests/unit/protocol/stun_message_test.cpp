// STUN message codec: the interleaved type bits, decode's checks (each malformed input gives its own
// error), what may follow MESSAGE-INTEGRITY and FINGERPRINT, encoding with computed attributes and its
// size limit, and the 420 list.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/fingerprint.hpp"
#include "protocol/stun/integrity.hpp"
#include "protocol/stun/message_codec.hpp"
#include "protocol/stun/text_attributes.hpp"
#include "stun_test_bytes.hpp"

namespace herald::stun {
namespace {

using test::hex;

const TransactionId kId{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

Message sample_message() {
  Message message{{Method::allocate, MessageClass::request}, kId, {}};
  message.add(make_text_attribute(attribute::username, "alice"));
  message.add({attribute::requested_transport, std::string("\x11\0\0\0", 4)});
  return message;
}

std::string encoded(const Message& message, const EncodeOptions& options = {}) {
  auto bytes = encode_message(message, options);
  EXPECT_TRUE(bytes);
  return bytes.value_or("");
}

DecodeError error_of(const std::string& bytes) {
  auto result = decode_message(bytes);
  EXPECT_TRUE(std::holds_alternative<DecodeError>(result)) << "decoded";
  return std::holds_alternative<DecodeError>(result) ? std::get<DecodeError>(result) : DecodeError::not_stun;
}

Message decoded(const std::string& bytes) {
  auto result = decode_message(bytes);
  if (auto* error = std::get_if<DecodeError>(&result)) {
    ADD_FAILURE() << describe(*error);
    return {};
  }
  return std::get<Message>(result);
}

// A header with `length` and the magic cookie, followed by `body`.
std::string message_bytes(std::uint16_t length, const std::string& body, std::uint16_t type = 0x0001) {
  std::string out;
  out.push_back(static_cast<char>(type >> 8));
  out.push_back(static_cast<char>(type & 0xFF));
  out.push_back(static_cast<char>(length >> 8));
  out.push_back(static_cast<char>(length & 0xFF));
  out += hex("21 12 a4 42");
  out.append(kId.begin(), kId.end());
  return out + body;
}

TEST(StunMessageType, MethodAndClassBitsInterleave) {
  EXPECT_EQ(encode_message_type({Method::binding, MessageClass::request}), 0x0001);
  EXPECT_EQ(encode_message_type({Method::binding, MessageClass::indication}), 0x0011);
  EXPECT_EQ(encode_message_type({Method::binding, MessageClass::success}), 0x0101);
  EXPECT_EQ(encode_message_type({Method::binding, MessageClass::error}), 0x0111);
  EXPECT_EQ(encode_message_type({Method::allocate, MessageClass::request}), 0x0003);
  EXPECT_EQ(encode_message_type({Method::allocate, MessageClass::error}), 0x0113);
  EXPECT_EQ(encode_message_type({Method::refresh, MessageClass::success}), 0x0104);
  EXPECT_EQ(encode_message_type({Method::send, MessageClass::indication}), 0x0016);
  EXPECT_EQ(encode_message_type({Method::data, MessageClass::indication}), 0x0017);
  EXPECT_EQ(encode_message_type({Method::create_permission, MessageClass::request}), 0x0008);
  EXPECT_EQ(encode_message_type({Method::channel_bind, MessageClass::success}), 0x0109);
  // The highest method uses every method bit: 0x3EEF, leading bits and class bits clear.
  EXPECT_EQ(encode_message_type({static_cast<Method>(0xFFF), MessageClass::request}), 0x3EEF);
}

TEST(StunMessageType, EveryTypeDecodesBackToItself) {
  for (std::uint16_t method = 0; method <= kMaxMethod; ++method) {
    for (int cls = 0; cls < 4; ++cls) {
      MessageType type{static_cast<Method>(method), static_cast<MessageClass>(cls)};
      std::uint16_t field = encode_message_type(type);
      ASSERT_EQ(field & 0xC000, 0);
      ASSERT_EQ(decode_message_type(field), type);
    }
  }
}

TEST(StunMessageType, KnownMethodsHaveNames) {
  EXPECT_EQ(method_name(Method::channel_bind), "ChannelBind");
  EXPECT_TRUE(is_known_method(Method::create_permission));
  EXPECT_FALSE(is_known_method(static_cast<Method>(0x002)));  // SharedSecret, retired by RFC 5389
}

TEST(StunMessage, EncodesHeaderAndPaddedAttributes) {
  std::string bytes = encoded(sample_message());
  EXPECT_EQ(bytes, message_bytes(0x0014,
                                 hex("00 06 00 05 61 6c 69 63 65 00 00 00"
                                     "00 19 00 04 11 00 00 00"),
                                 0x0003));
  EXPECT_EQ(decoded(bytes), sample_message());
}

TEST(StunMessage, AnEmptyMessageIsItsHeader) {
  Message message{{Method::binding, MessageClass::request}, kId, {}};
  EXPECT_EQ(encoded(message), message_bytes(0, ""));
  EXPECT_EQ(decoded(message_bytes(0, "")), message);
}

TEST(StunMessage, FindGivesTheFirstOfARepeatedAttribute) {
  Message message = sample_message();
  message.add(make_text_attribute(attribute::username, "bob"));
  EXPECT_EQ(decoded(encoded(message)).find(attribute::username)->value, "alice");
  EXPECT_EQ(message.find(attribute::data), nullptr);
}

TEST(StunMessageDecode, TruncatedHeader) {
  std::string header = encoded(sample_message()).substr(0, 19);
  EXPECT_EQ(error_of(header), DecodeError::truncated_header);
  EXPECT_EQ(error_of(""), DecodeError::truncated_header);
}

TEST(StunMessageDecode, LeadingBitsSet) {
  std::string bytes = encoded(sample_message());
  bytes[0] = static_cast<char>(bytes[0] | 0x40);
  EXPECT_EQ(error_of(bytes), DecodeError::not_stun);
  bytes[0] = static_cast<char>(0x80);
  EXPECT_EQ(error_of(bytes), DecodeError::not_stun);
}

TEST(StunMessageDecode, BadMagicCookie) {
  std::string bytes = encoded(sample_message());
  bytes[7] = 0x43;
  EXPECT_EQ(error_of(bytes), DecodeError::bad_magic_cookie);
}

TEST(StunMessageDecode, LengthFieldMustMatchTheSize) {
  std::string bytes = encoded(sample_message());
  EXPECT_EQ(error_of(bytes + std::string(4, '\0')), DecodeError::length_mismatch);
  EXPECT_EQ(error_of(bytes.substr(0, bytes.size() - 4)), DecodeError::length_mismatch);
}

TEST(StunMessageDecode, LengthNotAMultipleOf4) {
  // USERNAME "alice" without its 3 bytes of padding: the length field counts 9 bytes.
  EXPECT_EQ(error_of(message_bytes(9, hex("00 06 00 05 61 6c 69 63 65"))),
            DecodeError::length_not_multiple_of_4);
  EXPECT_EQ(error_of(message_bytes(2, hex("00 06"))), DecodeError::length_not_multiple_of_4);
}

TEST(StunMessageDecode, AttributeOverrunningTheMessage) {
  // USERNAME says 9 bytes, 8 follow (and no room for the padding either).
  EXPECT_EQ(error_of(message_bytes(12, hex("00 06 00 09 61 6c 69 63 65 20 20 20"))),
            DecodeError::attribute_overruns_message);
  // A length that would wrap around if added carelessly.
  EXPECT_EQ(error_of(message_bytes(8, hex("00 06 ff ff 61 6c 69 63"))),
            DecodeError::attribute_overruns_message);
  // The second attribute's value runs past the end; the first is fine.
  EXPECT_EQ(error_of(message_bytes(12, hex("00 1a 00 00 00 13 00 08 01 02 03 04"))),
            DecodeError::attribute_overruns_message);
}

TEST(StunMessageDecode, PaddingBytesAreIgnoredUnlessStrict) {
  std::string bytes = message_bytes(12, hex("00 06 00 05 61 6c 69 63 65 ff ee dd"));
  EXPECT_EQ(decoded(bytes).find(attribute::username)->value, "alice");
  auto strict = decode_message(bytes, {.strict_padding = true});
  ASSERT_TRUE(std::holds_alternative<DecodeError>(strict));
  EXPECT_EQ(std::get<DecodeError>(strict), DecodeError::nonzero_padding);
  EXPECT_TRUE(
      std::holds_alternative<Message>(decode_message(encoded(sample_message()), {.strict_padding = true})));
}

TEST(StunMessageDecode, IntegrityAttributesMustHaveTheirSizes) {
  EXPECT_EQ(error_of(message_bytes(20, hex("00 08 00 10") + std::string(16, 'x'))),
            DecodeError::bad_integrity_length);
  EXPECT_EQ(error_of(message_bytes(16, hex("00 1c 00 0c") + std::string(12, 'x'))),
            DecodeError::bad_integrity_length);
  EXPECT_EQ(error_of(message_bytes(40, hex("00 1c 00 24") + std::string(36, 'x'))),
            DecodeError::bad_integrity_length);
  EXPECT_EQ(error_of(message_bytes(24, hex("00 1c 00 12") + std::string(20, 'x'))),
            DecodeError::bad_integrity_length);
  EXPECT_EQ(error_of(message_bytes(12, hex("80 28 00 08") + std::string(8, 'x'))),
            DecodeError::bad_fingerprint_length);
}

TEST(StunMessageDecode, FingerprintMustBeLast) {
  std::string with_fingerprint =
      encoded(sample_message(), {.integrity_key = std::nullopt, .fingerprint = true});
  std::string bytes = with_fingerprint + hex("00 1a 00 00");
  bytes[3] = static_cast<char>(bytes[3] + 4);
  EXPECT_EQ(error_of(bytes), DecodeError::fingerprint_not_last);
  EXPECT_EQ(verify_fingerprint(bytes), FingerprintCheck::malformed);
}

TEST(StunMessageDecode, FingerprintMustMatch) {
  std::string bytes = encoded(sample_message(), {.integrity_key = std::nullopt, .fingerprint = true});
  EXPECT_EQ(verify_fingerprint(bytes), FingerprintCheck::valid);
  bytes.back() = static_cast<char>(bytes.back() ^ 1);
  EXPECT_EQ(error_of(bytes), DecodeError::fingerprint_mismatch);
  EXPECT_EQ(verify_fingerprint(bytes), FingerprintCheck::mismatch);
}

TEST(StunMessageDecode, ErrorsHaveDescriptions) {
  EXPECT_EQ(describe(DecodeError::attribute_overruns_message), "attribute overruns the message");
  EXPECT_EQ(describe(DecodeError::fingerprint_not_last), "FINGERPRINT is not the last attribute");
}

// The message bytes with `extra` appended as raw attributes and the length field updated.
std::string appended(std::string bytes, const std::string& extra) {
  bytes += extra;
  std::size_t length = bytes.size() - kHeaderSize;
  bytes[2] = static_cast<char>(length >> 8);
  bytes[3] = static_cast<char>(length & 0xFF);
  return bytes;
}

TEST(StunMessageIntegrity, AttributesAfterItAreIgnoredExceptSha256AndFingerprint) {
  std::string bytes = encoded(sample_message(), {.integrity_key = "key"});
  // SOFTWARE after MESSAGE-INTEGRITY: dropped from the decoded message; the integrity still verifies
  // (it covers only what comes before it).
  std::string with_software = appended(bytes, hex("80 22 00 04 74 65 73 74"));
  Message message = decoded(with_software);
  EXPECT_EQ(message.find(attribute::software), nullptr);
  EXPECT_NE(message.find(attribute::message_integrity), nullptr);
  EXPECT_EQ(verify_message_integrity(with_software, "key"), IntegrityCheck::valid);
  // A second MESSAGE-INTEGRITY is ignored too, even a malformed one.
  Message twice = decoded(appended(bytes, hex("00 08 00 04 00 00 00 00")));
  EXPECT_EQ(twice.attributes.size(), 3u);
}

TEST(StunMessageIntegrity, Sha256AndFingerprintFollowIt) {
  std::string bytes =
      encoded(sample_message(), {.integrity_key = "key", .integrity_sha256 = true, .fingerprint = true});
  Message message = decoded(bytes);
  ASSERT_EQ(message.attributes.size(), 5u);
  EXPECT_EQ(message.attributes[2].type, attribute::message_integrity);
  EXPECT_EQ(message.attributes[3].type, attribute::message_integrity_sha256);
  EXPECT_EQ(message.attributes[3].value.size(), 32u);
  EXPECT_EQ(message.attributes[4].type, attribute::fingerprint);
  EXPECT_EQ(verify_message_integrity(bytes, "key"), IntegrityCheck::valid);
  EXPECT_EQ(verify_message_integrity_sha256(bytes, "key"), IntegrityCheck::valid);
  EXPECT_EQ(verify_message_integrity_sha256(bytes, "other"), IntegrityCheck::mismatch);
  EXPECT_EQ(verify_fingerprint(bytes), FingerprintCheck::valid);
}

TEST(StunMessageIntegrity, Sha256AloneAndTruncated) {
  std::string bytes =
      encoded(sample_message(), {.integrity_key = "key", .integrity_sha1 = false, .integrity_sha256 = true});
  EXPECT_EQ(verify_message_integrity(bytes, "key"), IntegrityCheck::absent);
  EXPECT_EQ(verify_message_integrity_sha256(bytes, "key"), IntegrityCheck::valid);
  // Truncated to 16 bytes (the length field shrinks by 16): still valid, since the HMAC covers the
  // header with the length of the message as sent.
  std::string unsigned_part = encoded(sample_message());
  std::string covered = appended(unsigned_part, hex("00 1c 00 10") + std::string(16, '\0'));
  std::string mac = hmac_sha256("key", covered.substr(0, unsigned_part.size())).substr(0, 16);
  std::string truncated = covered.substr(0, covered.size() - 16) + mac;
  EXPECT_EQ(verify_message_integrity_sha256(truncated, "key"), IntegrityCheck::valid);
  // A MESSAGE-INTEGRITY after MESSAGE-INTEGRITY-SHA256 is ignored.
  std::string late_sha1 = appended(bytes, hex("00 08 00 14") + std::string(20, 'x'));
  EXPECT_EQ(verify_message_integrity(late_sha1, "key"), IntegrityCheck::absent);
  EXPECT_EQ(decoded(late_sha1).find(attribute::message_integrity), nullptr);
}

TEST(StunMessageIntegrity, MalformedAndAbsent) {
  EXPECT_EQ(verify_message_integrity(encoded(sample_message()), "key"), IntegrityCheck::absent);
  EXPECT_EQ(verify_message_integrity("garbage", "key"), IntegrityCheck::malformed);
  EXPECT_EQ(verify_message_integrity(message_bytes(20, hex("00 08 00 10") + std::string(16, 'x')), "key"),
            IntegrityCheck::malformed);
  EXPECT_EQ(verify_message_integrity(message_bytes(8, hex("00 08 00 14 00 00 00 00")), "key"),
            IntegrityCheck::malformed);
  // MESSAGE-INTEGRITY after FINGERPRINT does not count.
  std::string bytes = encoded(sample_message(), {.integrity_key = std::nullopt, .fingerprint = true});
  EXPECT_EQ(verify_message_integrity(appended(bytes, hex("00 08 00 14") + std::string(20, 'x')), "key"),
            IntegrityCheck::absent);
}

TEST(StunMessageIntegrity, AnEmptyKeyIsAKey) {
  // HMAC-SHA1 with an empty key of an empty message, computed independently (Python's hmac).
  EXPECT_EQ(hmac_sha1("", ""), hex("fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"));
  std::string bytes = encoded(sample_message(), {.integrity_key = ""});
  EXPECT_EQ(verify_message_integrity(bytes, ""), IntegrityCheck::valid);
  EXPECT_EQ(verify_message_integrity(bytes, "x"), IntegrityCheck::mismatch);
}

TEST(StunMessageIntegrity, LongTermKeysWithEitherAlgorithm) {
  // Digests of "alice:herald.example:secret", computed independently (Python's hashlib).
  EXPECT_EQ(long_term_key("alice", "herald.example", "secret"), hex("da4051bed7a33a0a81dc95a00ac66168"));
  EXPECT_EQ(long_term_key("alice", "herald.example", "secret", PasswordAlgorithm::sha256),
            hex("f912cf74e0883da5451f45b2b32d6472999896066e91c703166ac268c5c92c01"));
}

TEST(StunMessageIntegrity, ComputedAttributesInTheMessageAreNotCopied) {
  Message message = decoded(encoded(sample_message(), {.integrity_key = "key", .fingerprint = true}));
  EXPECT_EQ(encoded(message), encoded(sample_message()));
  EXPECT_EQ(encoded(message, {.integrity_key = "other"}),
            encoded(sample_message(), {.integrity_key = "other"}));
}

TEST(StunMessageEncode, RefusesWhatTheLengthFieldCannotHold) {
  Message message{{Method::send, MessageClass::indication}, kId, {}};
  message.add({attribute::data, std::string(65536, 'x')});
  EXPECT_FALSE(encode_message(message));
  // 65532 bytes of attributes is the most: one DATA of 65528 bytes fits exactly.
  message.attributes[0].value.resize(65528);
  auto bytes = encode_message(message);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), kHeaderSize + 65532);
  EXPECT_EQ(decoded(*bytes), message);
  // ... and then there is no room for FINGERPRINT.
  EXPECT_FALSE(encode_message(message, {.integrity_key = std::nullopt, .fingerprint = true}));
  message.attributes[0].value.resize(65529);
  EXPECT_FALSE(encode_message(message));
}

TEST(StunMessage, UnknownComprehensionRequiredAttributesAreListedOnce) {
  Message message = sample_message();
  message.add({0x0030, "x"});  // unknown, required
  message.add({0x8030, "x"});  // unknown, optional
  message.add({0x0030, "y"});  // the same again
  message.add({0x7fff, ""});   // unknown, required
  Message decoded_message = decoded(encoded(message));
  EXPECT_EQ(unknown_required_attributes(decoded_message), (std::vector<std::uint16_t>{0x0030, 0x7fff}));
  const std::uint16_t understood[] = {0x7fff};
  EXPECT_EQ(unknown_required_attributes(decoded_message, understood), std::vector<std::uint16_t>{0x0030});
}

TEST(StunMessage, AttributeTypesHaveNamesAndComprehension) {
  EXPECT_EQ(attribute::name(attribute::xor_relayed_address), "XOR-RELAYED-ADDRESS");
  EXPECT_EQ(attribute::name(0x0030), "unknown");
  EXPECT_TRUE(attribute::is_comprehension_required(attribute::dont_fragment));
  EXPECT_FALSE(attribute::is_comprehension_required(attribute::software));
  EXPECT_TRUE(attribute::is_known(attribute::message_integrity_sha256));
}

TEST(StunMessage, AResponseKeepsMethodAndTransaction) {
  Message response = response_to(sample_message(), MessageClass::error);
  EXPECT_EQ(response.type, (MessageType{Method::allocate, MessageClass::error}));
  EXPECT_EQ(response.transaction_id, kId);
  EXPECT_TRUE(response.attributes.empty());
}

TEST(StunMessage, RandomTransactionIdsDiffer) { EXPECT_NE(random_transaction_id(), random_transaction_id()); }

}  // namespace
}  // namespace herald::stun
