// The requests the demo pages publish to the channel `demo.requests`, read and checked for `herald
// demo-backend`: an AI reply to stream, or a payment to settle. docs/demos.md describes them.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace herald::cli {

// The channel the pages publish their requests to.
inline constexpr std::string_view kDemoRequestChannel = "demo.requests";

// {"kind":"ai","prompt":"…","reply":"demo.ai.<id>"}
struct AiRequest {
  std::string prompt;
  std::string reply;  // the channel the tokens go to
};

// {"kind":"pay","amount":12.5,"card":"4242 4242 4242 4242","reply":"demo.pay.<id>"}
struct PayRequest {
  long long amount_cents = 0;
  bool declined = false;  // the test card of a declined payment
  std::string reply;
};

// A request that names a usable reply channel but asks for something the backend refuses: the error is
// published to `reply`.
struct RefusedRequest {
  std::string reply;
  std::string message;
};

// A request with no usable reply channel: it is only logged.
struct UnreadableRequest {
  std::string message;
};

using DemoRequest = std::variant<AiRequest, PayRequest, RefusedRequest, UnreadableRequest>;

// Reads the `data` of one message of `demo.requests` (JSON text). The reply channel must be
// `demo.ai.<id>` (ai) or `demo.pay.<id>` (pay) with an id of 8 to 64 letters, digits, '-' or '_', so that
// the backend publishes only to the demo's own channels.
DemoRequest parse_demo_request(std::string_view json);

}  // namespace herald::cli
