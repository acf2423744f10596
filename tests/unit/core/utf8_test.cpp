// UTF-8 validation: 1-4 byte sequences, overlongs, surrogates, past U+10FFFF, truncation, stray bytes.
#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace herald {
namespace {

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (unsigned value : values) out += static_cast<char>(value);
  return out;
}

TEST(Utf8, EmptyAndAsciiAreValid) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("hello, world"));
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));
  EXPECT_TRUE(is_valid_utf8(bytes({0x7F})));
}

TEST(Utf8, WellFormedMultiByteSequences) {
  EXPECT_TRUE(is_valid_utf8(bytes({0xC2, 0x80})));              // U+0080, smallest 2-byte
  EXPECT_TRUE(is_valid_utf8(bytes({0xC3, 0xA9})));              // é
  EXPECT_TRUE(is_valid_utf8(bytes({0xDF, 0xBF})));              // U+07FF
  EXPECT_TRUE(is_valid_utf8(bytes({0xE0, 0xA0, 0x80})));        // U+0800, smallest 3-byte
  EXPECT_TRUE(is_valid_utf8(bytes({0xE2, 0x82, 0xAC})));        // €
  EXPECT_TRUE(is_valid_utf8(bytes({0xED, 0x9F, 0xBF})));        // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8(bytes({0xEE, 0x80, 0x80})));        // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8(bytes({0xEF, 0xBF, 0xBF})));        // U+FFFF
  EXPECT_TRUE(is_valid_utf8(bytes({0xF0, 0x90, 0x80, 0x80})));  // U+10000, smallest 4-byte
  EXPECT_TRUE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98, 0x80})));  // 😀
  EXPECT_TRUE(is_valid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF, the largest
  EXPECT_TRUE(is_valid_utf8("caf" + bytes({0xC3, 0xA9}) + " " + bytes({0xE2, 0x82, 0xAC}) + "5 " +
                            bytes({0xF0, 0x9F, 0x98, 0x80}) + "!"));
}

TEST(Utf8, RejectsOverlongForms) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xC0, 0x80})));              // U+0000 in two bytes
  EXPECT_FALSE(is_valid_utf8(bytes({0xC1, 0xBF})));              // U+007F in two bytes
  EXPECT_FALSE(is_valid_utf8(bytes({0xE0, 0x80, 0x80})));        // U+0000 in three bytes
  EXPECT_FALSE(is_valid_utf8(bytes({0xE0, 0x9F, 0xBF})));        // U+07FF in three bytes
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x80, 0x80, 0x80})));  // U+0000 in four bytes
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x8F, 0xBF, 0xBF})));  // U+FFFF in four bytes
}

TEST(Utf8, RejectsSurrogates) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0x80})));  // U+D800
  EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xBF, 0xBF})));  // U+DFFF
  // A CESU-8 style surrogate pair is not UTF-8 either.
  EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})));
}

TEST(Utf8, RejectsCodePointsAboveTheUnicodeRange) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xF4, 0x90, 0x80, 0x80})));  // U+110000
  EXPECT_FALSE(is_valid_utf8(bytes({0xF5, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF7, 0xBF, 0xBF, 0xBF})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF8, 0x88, 0x80, 0x80, 0x80})));  // old 5-byte form
  EXPECT_FALSE(is_valid_utf8(bytes({0xFC, 0x84, 0x80, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xFE})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xFF})));
}

TEST(Utf8, RejectsTruncatedSequences) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xC3})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0x82})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE2})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x9F})));
  EXPECT_FALSE(is_valid_utf8("abc" + bytes({0xE2, 0x82})));
  // Truncated in the middle of the text: the next character arrives where a continuation byte belongs.
  EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0x82}) + "x"));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98}) + "x"));
  EXPECT_FALSE(is_valid_utf8(bytes({0xC3}) + "a"));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0xC3, 0xA9})));
}

TEST(Utf8, RejectsStrayContinuationBytes) {
  EXPECT_FALSE(is_valid_utf8(bytes({0x80})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xBF})));
  EXPECT_FALSE(is_valid_utf8("a" + bytes({0x80}) + "b"));
  // One continuation byte too many after a complete sequence.
  EXPECT_FALSE(is_valid_utf8(bytes({0xC3, 0xA9, 0xA9})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0x82, 0xAC, 0x80})));
}

}  // namespace
}  // namespace herald
