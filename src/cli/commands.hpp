// The client subcommands of the herald binary: `herald publish` and `herald subscribe`.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace herald::cli {

struct PublishOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string api_key;  // empty: HERALD_PUBLISH_API_KEY, else HERALD_API_KEY
  std::string event;
  std::string idempotency_key;
  std::string channel;
  std::string data;
};

struct SubscribeOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string since;
  bool raw = false;
  std::vector<std::string> channels;
  // Exit after printing this many lines, messages and gaps alike (for scripts); none: run until killed.
  std::optional<unsigned> max_messages;
};

int publish_command(const PublishOptions& options);
int subscribe_command(const SubscribeOptions& options);

}  // namespace herald::cli
