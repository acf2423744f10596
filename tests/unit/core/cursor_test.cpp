// Cursors and resume tokens: parsing, formatting, and tokens that do not match the stream's channels.
#include "core/cursor.hpp"

#include <gtest/gtest.h>

#include "core/resume_token.hpp"

namespace herald {
namespace {

TEST(Cursor, FormatsAndParsesRoundTrip) {
  Cursor cursor{"k3j9x0aa", 42};
  EXPECT_EQ(cursor.to_string(), "k3j9x0aa:42");
  EXPECT_EQ(parse_cursor("k3j9x0aa:42"), cursor);
}

TEST(Cursor, RejectsMalformedText) {
  for (const char* text : {"", ":", "abc", "abc:", ":5", "ab-c:5", "abc:-1", "abc:5x", "abc:1.5", "abc: 5",
                           "abc:99999999999999999999", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1"})
    EXPECT_FALSE(parse_cursor(text).has_value()) << text;
}

TEST(ResumePoint, KeepsTheTextOfAnUnusableCursor) {
  auto point = ResumePoint::from_text("garbage");
  EXPECT_EQ(point.text, "garbage");
  EXPECT_FALSE(point.cursor.has_value());
}

TEST(ResumeToken, OneChannelIsJustTheCursor) {
  auto parts = split_resume_token("abc:7", 1);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].cursor, (Cursor{"abc", 7}));
}

TEST(ResumeToken, SplitsOnePartPerChannelInOrder) {
  std::string token = format_resume_token({{"aaa", 1}, {"bbb", 0}, {"ccc", 99}});
  EXPECT_EQ(token, "aaa:1,bbb:0,ccc:99");
  auto parts = split_resume_token(token, 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].cursor, (Cursor{"aaa", 1}));
  EXPECT_EQ(parts[1].cursor, (Cursor{"bbb", 0}));
  EXPECT_EQ(parts[2].cursor, (Cursor{"ccc", 99}));
}

TEST(ResumeToken, CountMismatchMakesEveryPartUnusable) {
  auto parts = split_resume_token("aaa:1,bbb:2", 3);
  ASSERT_EQ(parts.size(), 3u);
  for (const auto& part : parts) {
    EXPECT_FALSE(part.cursor.has_value());
    EXPECT_EQ(part.text, "aaa:1,bbb:2");
  }
}

TEST(ResumeToken, BadPartIsUnusableOthersStay) {
  auto parts = split_resume_token("aaa:1,???", 2);
  EXPECT_TRUE(parts[0].cursor.has_value());
  EXPECT_FALSE(parts[1].cursor.has_value());
  EXPECT_EQ(parts[1].text, "???");
}

}  // namespace
}  // namespace herald
