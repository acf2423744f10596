// The client subcommands of the herald binary: `herald publish` and `herald subscribe`.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace herald::cli {

struct PublishOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string api_key;
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
  std::optional<unsigned> max_messages;  // stop after this many (for scripts); none: run until killed
};

int publish_command(const PublishOptions& options);
int subscribe_command(const SubscribeOptions& options);

}  // namespace herald::cli
