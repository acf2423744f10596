// Finding the HERALD_* environment variables herald does not know, with their suggestions.
#include "server/environment_check.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

std::vector<UnknownVariable> unknown_in(std::vector<const char*> entries) {
  entries.push_back(nullptr);
  return unknown_herald_variables(entries.data());
}

TEST(EnvironmentCheck, SettingsAndHeraldsOwnVariablesAreKnown) {
  EXPECT_TRUE(unknown_in({"HERALD_SERVER_LISTEN=127.0.0.1:1", "HERALD_WS_ALLOWED_ORIGINS=",
                          "HERALD_API_KEY=k", "HERALD_BIN=/usr/bin/herald", "HERALD_LOG_LEVEL=debug"})
                  .empty());
}

TEST(EnvironmentCheck, OtherVariablesAreNotLookedAt) {
  EXPECT_TRUE(
      unknown_in({"PATH=/usr/bin", "HOME=/root", "MY_HERALD_THING=1", "herald_server_listen=x", "HERALD"})
          .empty());
}

TEST(EnvironmentCheck, UnknownNamesSortedWithTheirSuggestion) {
  auto unknown = unknown_in({"HERALD_SERVER_LISTN=x", "HERALD_COLOUR=blue", "HERALD_HISTROY_SIZE=5",
                             "HERALD_LISTEN=x", "HERALD_MAX_CHANNELS=3", "HERALD_=1", "HERALD_EMPTY"});
  ASSERT_EQ(unknown.size(), 7u);
  EXPECT_EQ(unknown[0].name, "HERALD_");
  EXPECT_EQ(unknown[1].name, "HERALD_COLOUR");
  EXPECT_EQ(unknown[1].suggestion, std::nullopt);
  EXPECT_EQ(unknown[2].name, "HERALD_EMPTY");
  EXPECT_EQ(unknown[3].name, "HERALD_HISTROY_SIZE");
  EXPECT_EQ(unknown[3].suggestion, "HERALD_HISTORY_SIZE");
  EXPECT_EQ(unknown[4].name, "HERALD_LISTEN");
  EXPECT_EQ(unknown[4].suggestion, std::nullopt) << "server and tls both have listen";
  EXPECT_EQ(unknown[5].name, "HERALD_MAX_CHANNELS");
  EXPECT_EQ(unknown[5].suggestion, std::nullopt) << "history, sse and ws all have max_channels";
  EXPECT_EQ(unknown[6].name, "HERALD_SERVER_LISTN");
  EXPECT_EQ(unknown[6].suggestion, "HERALD_SERVER_LISTEN");
}

TEST(EnvironmentCheck, EachVariableOnce) {
  auto unknown = unknown_in({"HERALD_X=1"});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].name, "HERALD_X");
}

TEST(EnvironmentCheck, AKeyWithoutItsSectionGetsTheOnlySectionThatHasIt) {
  auto unknown = unknown_in({"HERALD_WORKERS=2"});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].suggestion, "HERALD_SERVER_WORKERS");
}

}  // namespace
}  // namespace herald
