// The demo backend's reading of page requests: what is started, what is refused with a reply, and what
// cannot be answered at all (no reply channel of the demo's own).
#include "cli/demo_request.hpp"

#include <gtest/gtest.h>

namespace herald::cli {
namespace {

TEST(DemoRequest, AiRequestWithPromptAndReplyChannel) {
  auto request = parse_demo_request(R"({"kind":"ai","prompt":"hello","reply":"demo.ai.abcdef12"})");
  const auto* ai = std::get_if<AiRequest>(&request);
  ASSERT_NE(ai, nullptr);
  EXPECT_EQ(ai->prompt, "hello");
  EXPECT_EQ(ai->reply, "demo.ai.abcdef12");
}

TEST(DemoRequest, PayRequestInCentsAndTheDeclinedTestCard) {
  auto paid = parse_demo_request(
      R"({"kind":"pay","amount":12.5,"card":"4242 4242 4242 4242","reply":"demo.pay.x1234567"})");
  ASSERT_TRUE(std::holds_alternative<PayRequest>(paid));
  EXPECT_EQ(std::get<PayRequest>(paid).amount_cents, 1250);
  EXPECT_FALSE(std::get<PayRequest>(paid).declined);
  auto declined = parse_demo_request(
      R"({"kind":"pay","amount":3,"card":"4000-0000-0000-0002","reply":"demo.pay.x1234567"})");
  EXPECT_TRUE(std::get<PayRequest>(declined).declined);
}

TEST(DemoRequest, BadFieldsAreRefusedOnTheReplyChannel) {
  for (const char* json : {R"({"kind":"ai","prompt":"","reply":"demo.ai.abcdef12"})",
                           R"({"kind":"ai","reply":"demo.ai.abcdef12"})",
                           R"({"kind":"pay","amount":0,"reply":"demo.pay.abcdef12"})",
                           R"({"kind":"pay","amount":"5","reply":"demo.pay.abcdef12"})",
                           R"({"kind":"pay","amount":10000.01,"reply":"demo.pay.abcdef12"})"}) {
    auto request = parse_demo_request(json);
    ASSERT_TRUE(std::holds_alternative<RefusedRequest>(request)) << json;
    EXPECT_TRUE(std::get<RefusedRequest>(request).reply.starts_with("demo.")) << json;
  }
  auto long_prompt = parse_demo_request(R"({"kind":"ai","prompt":")" + std::string(501, 'a') +
                                        R"(","reply":"demo.ai.abcdef12"})");
  EXPECT_TRUE(std::holds_alternative<RefusedRequest>(long_prompt));
}

TEST(DemoRequest, OnlyTheDemosOwnReplyChannelsAreAnswered) {
  for (const char* json : {"not json", "[1]", R"({"prompt":"x","reply":"demo.ai.abcdef12"})",
                           R"({"kind":"ai","prompt":"x","reply":"news"})",
                           R"({"kind":"ai","prompt":"x","reply":"demo.pay.abcdef12"})",
                           R"({"kind":"ai","prompt":"x","reply":"demo.ai.short"})",
                           R"({"kind":"ai","prompt":"x","reply":"demo.ai.abcdef12.more"})",
                           R"({"kind":"pay","amount":1,"reply":"demo.ai.abcdef12"})",
                           R"({"kind":"mine","reply":"demo.ai.abcdef12"})"}) {
    EXPECT_TRUE(std::holds_alternative<UnreadableRequest>(parse_demo_request(json))) << json;
  }
  std::string too_long = R"({"kind":"ai","prompt":"x","reply":"demo.ai.)" + std::string(65, 'a') + R"("})";
  EXPECT_TRUE(std::holds_alternative<UnreadableRequest>(parse_demo_request(too_long)));
}

}  // namespace
}  // namespace herald::cli
