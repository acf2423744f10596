// The "did you mean …?" suggestions: typing mistakes are matched, unrelated names are not.
#include "server/closest_name.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

const std::vector<std::string> kKnown = {"server.listen", "server.workers", "history.size", "history.ttl"};

TEST(ClosestName, OneTypingMistake) {
  EXPECT_EQ(closest_name("server.listn", kKnown), "server.listen");    // a letter missing
  EXPECT_EQ(closest_name("server.listeen", kKnown), "server.listen");  // a letter extra
  EXPECT_EQ(closest_name("server.lusten", kKnown), "server.listen");   // a letter wrong
  EXPECT_EQ(closest_name("histroy.size", kKnown), "history.size");     // two letters swapped
}

TEST(ClosestName, TheNearestOfSeveral) {
  EXPECT_EQ(closest_name("history.tt", kKnown), "history.ttl");
  EXPECT_EQ(closest_name("history.sizes", kKnown), "history.size");
}

TEST(ClosestName, NothingWhenNoNameIsClose) {
  EXPECT_EQ(closest_name("colour", kKnown), std::nullopt);
  EXPECT_EQ(closest_name("server.port", kKnown), std::nullopt);
  EXPECT_EQ(closest_name("", kKnown), std::nullopt);
  EXPECT_EQ(closest_name("server.listen", {}), std::nullopt);
}

TEST(ClosestName, ShortNamesAllowOneMistakeOnly) {
  const std::vector<std::string> sections = {"server", "http", "ws", "log"};
  EXPECT_EQ(closest_name("sever", sections), "server");
  EXPECT_EQ(closest_name("htp", sections), "http");
  EXPECT_EQ(closest_name("xy", sections), std::nullopt);
  EXPECT_EQ(closest_name("db", sections), std::nullopt);
}

}  // namespace
}  // namespace herald
