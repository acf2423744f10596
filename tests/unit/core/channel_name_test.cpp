// Channel and event names: every allowed byte, forbidden bytes, length bounds, reserved event names.
#include "core/channel_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace herald {
namespace {

bool is_allowed_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == ':' || c == '@' || c == '=' || c == '-';
}

TEST(ChannelName, AcceptsEveryByteOfTheAlphabet) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:@=-";
  for (char c : alphabet) EXPECT_TRUE(is_valid_channel_name(std::string(1, c))) << c;
  EXPECT_TRUE(is_valid_channel_name(alphabet));
}

TEST(ChannelName, EveryByteOutsideTheAlphabetIsRejected) {
  int allowed = 0;
  for (int byte = 0; byte < 256; ++byte) {
    std::string name = "ab" + std::string(1, static_cast<char>(byte)) + "cd";
    bool expected = is_allowed_byte(static_cast<unsigned char>(byte));
    EXPECT_EQ(is_valid_channel_name(name), expected) << "byte " << byte;
    if (expected) ++allowed;
  }
  EXPECT_EQ(allowed, 26 + 26 + 10 + 6);
}

TEST(ChannelName, RejectsSampledForbiddenBytes) {
  for (const char* name : {"a b", "a/b", "a#b", "a?b", "a%20b", "caf\xC3\xA9", "\xE2\x82\xAC", "a\nb", "a,b",
                           "a+b", "a*b", "a\"b", "a\\b", " a", "a "})
    EXPECT_FALSE(is_valid_channel_name(name)) << name;
  EXPECT_FALSE(is_valid_channel_name(std::string("a\0b", 3)));
}

TEST(ChannelName, LengthBounds) {
  EXPECT_FALSE(is_valid_channel_name(""));
  EXPECT_TRUE(is_valid_channel_name("x"));
  EXPECT_TRUE(is_valid_channel_name(std::string(255, 'x')));
  EXPECT_FALSE(is_valid_channel_name(std::string(256, 'x')));
  EXPECT_EQ(kMaxChannelNameBytes, 255u);
}

TEST(EventName, AcceptsTheChannelAlphabet) {
  for (const char* name : {"message", "update", "a", "user.created", "A-Z_0-9", "x:y@z=w"})
    EXPECT_TRUE(is_valid_event_name(name)) << name;
  EXPECT_TRUE(is_valid_event_name(kDefaultEventName));
  EXPECT_EQ(kDefaultEventName, "message");
}

TEST(EventName, LengthBounds) {
  EXPECT_FALSE(is_valid_event_name(""));
  EXPECT_TRUE(is_valid_event_name(std::string(64, 'e')));
  EXPECT_FALSE(is_valid_event_name(std::string(65, 'e')));
  // A name that is a valid channel is not necessarily a valid event.
  EXPECT_TRUE(is_valid_channel_name(std::string(65, 'e')));
}

TEST(EventName, RejectsForbiddenBytes) {
  for (const char* name : {"a b", "a/b", "a#b", "a?b", "a%b", "\xC3\xA9", "a\nb", "a\rb"})
    EXPECT_FALSE(is_valid_event_name(name)) << name;
}

TEST(EventName, ReservedNamesAreRejectedButLookAlikesAreNot) {
  EXPECT_FALSE(is_valid_event_name("gap"));
  EXPECT_FALSE(is_valid_event_name("close"));
  for (const char* name : {"Gap", "GAP", "gaps", "gap.", "Close", "closed", "_close"})
    EXPECT_TRUE(is_valid_event_name(name)) << name;
  // Reserved names are still fine as channel names.
  EXPECT_TRUE(is_valid_channel_name("gap"));
  EXPECT_TRUE(is_valid_channel_name("close"));
}

}  // namespace
}  // namespace herald
