// The client subcommands of the herald binary: `herald publish`, `herald subscribe`, `herald token`
// and `herald demo-backend`.
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

struct TokenOptions {
  std::string secret;    // HS256; empty: $HERALD_AUTH_HMAC_SECRET (unless key_file)
  std::string key_file;  // a private key PEM (RS256 or ES256)
  std::string key_id;    // kid; with key_file the default is the file's name without .pem
  std::string subject;
  std::vector<std::string> channels;
  std::vector<std::string> publish;
  std::string issuer;
  std::string audience;
  unsigned long ttl_seconds = 3600;  // 0: no expiry
};

// `herald demo-backend`: the server side of the demo pages (docs/demos.md).
struct DemoBackendOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string api_key;                  // empty: HERALD_PUBLISH_API_KEY, else HERALD_API_KEY
  unsigned metrics_interval_ms = 1000;  // how often the dashboard gets a summary
  unsigned token_interval_ms = 100;     // between two steps of a token stream
  unsigned tokens_per_step = 3;
  unsigned settle_ms = 3000;  // from the start of a payment to its result
};

int publish_command(const PublishOptions& options);
// Prints a signed connection token; 2 when it cannot be made (no key, an unusable key).
int token_command(const TokenOptions& options);
int subscribe_command(const SubscribeOptions& options);
// Runs until killed; 2 when the options cannot be used.
int demo_backend_command(const DemoBackendOptions& options);

}  // namespace herald::cli
