// The simulated AI reply: the same prompt gives the same reply, different prompts differ, and its tokens
// put together give the reply back.
#include "cli/reply_tokens.hpp"

#include <gtest/gtest.h>

namespace herald::cli {
namespace {

std::string joined(const std::vector<std::string>& tokens) {
  std::string text;
  for (const auto& token : tokens) text += token;
  return text;
}

TEST(ReplyTokens, DeterministicAndDerivedFromThePrompt) {
  EXPECT_EQ(simulated_reply("what is herald?"), simulated_reply("what is herald?"));
  EXPECT_NE(simulated_reply("what is herald?"), simulated_reply("how does resume work?"));
  EXPECT_TRUE(
      simulated_reply("what   is\nherald?").starts_with("This is a simulated reply to \"what is herald?\"."));
}

TEST(ReplyTokens, LongPromptsAreQuotedShortWithoutCuttingACharacter) {
  std::string prompt(79, 'a');
  prompt += "\xc3\xa9tude";  // "é" across the 80-byte limit
  std::string reply = simulated_reply(prompt);
  std::string quoted(79, 'a');
  quoted.append("...\"");
  EXPECT_NE(reply.find(quoted), std::string::npos) << reply;
}

TEST(ReplyTokens, TokensAreWordsWithTheirSpaceAndSinglePunctuation) {
  std::vector<std::string> tokens = split_tokens("Hello, wide world! caf\xc3\xa9 ok.");
  std::vector<std::string> expected = {"Hello", ",", " wide", " world", "!", " caf\xc3\xa9", " ok", "."};
  EXPECT_EQ(tokens, expected);
  std::string reply = simulated_reply("tell me about cursors");
  EXPECT_EQ(joined(split_tokens(reply)), reply);
  EXPECT_GT(split_tokens(reply).size(), 40u);
}

}  // namespace
}  // namespace herald::cli
