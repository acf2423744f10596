// Demo requests (see demo_request.hpp).
#include "cli/demo_request.hpp"

#include <boost/json.hpp>
#include <cmath>

namespace herald::cli {
namespace {

constexpr std::size_t kMaxPromptBytes = 500;
constexpr double kMaxAmount = 10000;
constexpr std::size_t kMinIdLength = 8;
constexpr std::size_t kMaxIdLength = 64;
// The test card whose payments are declined; every other card number is accepted.
constexpr std::string_view kDeclinedCard = "4000000000000002";

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Whether `channel` is `prefix` followed by a request id.
bool is_reply_channel(std::string_view channel, std::string_view prefix) {
  if (!channel.starts_with(prefix)) return false;
  std::string_view id = channel.substr(prefix.size());
  if (id.size() < kMinIdLength || id.size() > kMaxIdLength) return false;
  for (char c : id)
    if (!is_id_char(c)) return false;
  return true;
}

const boost::json::string* string_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr ? value->if_string() : nullptr;
}

std::string digits_of(std::string_view card) {
  std::string digits;
  for (char c : card)
    if (c >= '0' && c <= '9') digits.push_back(c);
  return digits;
}

DemoRequest ai_request(const boost::json::object& object, std::string reply) {
  const auto* prompt = string_field(object, "prompt");
  if (prompt == nullptr || prompt->empty()) return RefusedRequest{std::move(reply), "the prompt is empty"};
  if (prompt->size() > kMaxPromptBytes)
    return RefusedRequest{std::move(reply),
                          "the prompt is longer than " + std::to_string(kMaxPromptBytes) + " bytes"};
  return AiRequest{std::string(*prompt), std::move(reply)};
}

DemoRequest pay_request(const boost::json::object& object, std::string reply) {
  const auto* amount = object.if_contains("amount");
  double value = amount != nullptr && amount->is_number() ? amount->to_number<double>() : 0;
  if (!std::isfinite(value) || value <= 0 || value > kMaxAmount)
    return RefusedRequest{std::move(reply), "the amount must be a number above 0 and at most 10000"};
  const auto* card = string_field(object, "card");
  bool declined = card != nullptr && digits_of(*card) == kDeclinedCard;
  return PayRequest{std::llround(value * 100), declined, std::move(reply)};
}

}  // namespace

DemoRequest parse_demo_request(std::string_view json) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(json, error);
  if (error || !value.is_object()) return UnreadableRequest{"the request is not a JSON object"};
  const auto& object = value.as_object();
  const auto* kind = string_field(object, "kind");
  const auto* reply = string_field(object, "reply");
  if (kind == nullptr) return UnreadableRequest{"the request has no \"kind\""};
  if (*kind == "ai") {
    if (reply == nullptr || !is_reply_channel(*reply, "demo.ai."))
      return UnreadableRequest{"an ai request needs \"reply\": \"demo.ai.<id>\""};
    return ai_request(object, std::string(*reply));
  }
  if (*kind == "pay") {
    if (reply == nullptr || !is_reply_channel(*reply, "demo.pay."))
      return UnreadableRequest{"a pay request needs \"reply\": \"demo.pay.<id>\""};
    return pay_request(object, std::string(*reply));
  }
  return UnreadableRequest{"unknown kind \"" + std::string(*kind) + "\" (ai, pay)"};
}

}  // namespace herald::cli
