// The herald binary: `serve` runs the server; `publish`, `subscribe`, `token`, `demo-backend` and `version`
// are client tools.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>

#include "cli/commands.hpp"
#include "server/config_loader.hpp"
#include "server/environment_check.hpp"
#include "server/logging.hpp"
#include "server/server.hpp"

#ifdef HERALD_JEMALLOC
// jemalloc's settings when the binary is linked with it (CMake option HERALD_JEMALLOC): unused memory goes
// back to the kernel from jemalloc's own thread rather than in the middle of a worker's request. The
// MALLOC_CONF environment variable adds to or overrides them (docs/operations.md).
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true";
}
#endif

namespace {

// Exit status of a command line or configuration that cannot be used (docs/operations.md).
constexpr int kUsageError = 2;

constexpr const char* kDescription =
    "herald: a real-time update server. Backends publish messages to channels over an HTTP API (and "
    "clients over WebSocket); clients receive them by polling, long polling, Server-Sent Events or "
    "WebSocket, and resume from their last cursor after a reconnect.";

constexpr const char* kServeFooter =
    "Endpoints (docs/protocol.md describes each one):\n"
    "  POST /api/publish          publish messages (HTTP API)\n"
    "  GET  /api/history          polling: the messages after a cursor\n"
    "  GET  /api/lp               long polling\n"
    "  GET  /api/sse              Server-Sent Events\n"
    "  GET  /api/ws               WebSocket, subprotocol herald.v1 (subscribe, publish, history)\n"
    "  GET  /api/ice-servers      STUN/TURN servers and TURN credentials for WebRTC\n"
    "  GET  /healthz, /readyz, /metrics   liveness, readiness, Prometheus metrics\n"
    "\n"
    "Every setting can also be set in the --config file or as HERALD_<SECTION>_<KEY>, e.g.\n"
    "HERALD_HISTORY_SIZE=5000 (docs/configuration.md lists them). Flags override the environment, which\n"
    "overrides the file. A configuration problem exits with status 2.";

struct ServeFlags {
  std::string config_file;
  herald::ConfigOverrides overrides;
};

// A flag that overrides one configuration key.
void add_setting_flag(CLI::App& command, ServeFlags& flags, const std::string& flag, const std::string& key,
                      const std::string& help) {
  command.add_option_function<std::string>(
      flag, [&flags, key](const std::string& value) { flags.overrides[key] = value; },
      help + " (" + key + ")");
}

CLI::App* add_serve_command(CLI::App& app, ServeFlags& flags) {
  auto* serve = app.add_subcommand("serve", "Run the server");
  serve->add_option("--config", flags.config_file, "TOML configuration file");
  add_setting_flag(*serve, flags, "--listen", "server.listen", "HOST:PORT to listen on");
  add_setting_flag(*serve, flags, "--tls-cert", "tls.cert", "PEM certificate (chain) file: speak HTTPS/WSS");
  add_setting_flag(*serve, flags, "--tls-key", "tls.key", "PEM private key file of --tls-cert");
  add_setting_flag(*serve, flags, "--tls-listen", "tls.listen",
                   "HOST:PORT for TLS, plain HTTP staying on --listen (default: --listen speaks TLS)");
  add_setting_flag(*serve, flags, "--workers", "server.workers", "Worker threads, 0 = one per core");
  add_setting_flag(*serve, flags, "--api-key", "publish.api_key", "API key publishers must send");
  add_setting_flag(*serve, flags, "--auth-secret", "auth.hmac_secret",
                   "HMAC secret of connection tokens (HS256): subscribers then need a token");
  add_setting_flag(*serve, flags, "--log-format", "log.format", "text or json");
  add_setting_flag(*serve, flags, "--log-level", "log.level",
                   "Minimum level logged: trace, debug, info, warn, error, critical or off");
  add_setting_flag(*serve, flags, "--turn-listen", "turn.listen",
                   "HOST:PORT for the embedded STUN/TURN server, UDP and TCP (needs --turn-secret)");
  add_setting_flag(
      *serve, flags, "--turn-secret", "turn.secret",
      "TURN REST secret that TURN credentials are checked against and /api/ice-servers mints with");
  add_setting_flag(*serve, flags, "--web-root", "http.web_root", "Serve web pages from this folder");
  serve->add_option_function<std::string>(
      "--engine",
      [&flags](const std::string& value) {
        bool url = value.starts_with("redis://");
        flags.overrides["engine.type"] = url ? "redis" : value;
        if (url) flags.overrides["engine.url"] = value;
      },
      "memory (the default), or a Redis URL redis://[user:password@]host:port[/db] (engine.type, "
      "engine.url)");
  serve->add_flag_callback(
      "--ws-echo", [&flags] { flags.overrides["ws.echo"] = "true"; },
      "Enable the WebSocket echo endpoint /api/ws/echo (ws.echo), for conformance suites");
  serve->footer(kServeFooter);
  return serve;
}

CLI::App* add_publish_command(CLI::App& app, herald::cli::PublishOptions& options) {
  auto* publish = app.add_subcommand("publish", "Publish one message through the HTTP API");
  publish->add_option("--url", options.url, "Server URL")->capture_default_str();
  publish->add_option("--api-key", options.api_key,
                      "API key (default: $HERALD_PUBLISH_API_KEY, else $HERALD_API_KEY)");
  publish->add_option("--event", options.event, "Event name (default: message)");
  publish->add_option("--idempotency-key", options.idempotency_key, "Publish at most once per key");
  publish->add_option("channel", options.channel, "Channel")->required();
  publish->add_option("data", options.data, "Data: JSON (numbers sent exactly), or else sent as a string")
      ->required();
  return publish;
}

// --count 0 would mean neither "no message" nor "no limit" clearly: it is refused.
const CLI::Validator kAtLeastOne(
    [](std::string& text) -> std::string {
      unsigned long long value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      bool zero = error == std::errc{} && end == text.data() + text.size() && value == 0;
      return zero ? "must be at least 1 (leave --count out to run until stopped)" : "";
    },
    "N >= 1");

CLI::App* add_subscribe_command(CLI::App& app, herald::cli::SubscribeOptions& options) {
  auto* subscribe = app.add_subcommand("subscribe", "Print the messages of channels as they arrive");
  subscribe->add_option("--url", options.url, "Server URL")->capture_default_str();
  subscribe->add_option("--since", options.since, "Resume after this cursor or resume token");
  subscribe->add_flag("--raw", options.raw, "Print payloads only (one channel)");
  subscribe
      ->add_option("--count", options.max_messages,
                   "Exit (status 0) after printing N lines, messages and gap lines count alike; without it, "
                   "run until stopped")
      ->check(kAtLeastOne);
  subscribe->add_option("channels", options.channels, "Channels")->required();
  return subscribe;
}

CLI::App* add_token_command(CLI::App& app, herald::cli::TokenOptions& options) {
  auto* token = app.add_subcommand("token", "Print a signed connection token (for tests and scripts)");
  token->add_option("--secret", options.secret, "HMAC secret, HS256 (default: $HERALD_AUTH_HMAC_SECRET)");
  token->add_option("--key", options.key_file, "Private key PEM file, RS256 or ES256 (instead of --secret)");
  token->add_option("--kid", options.key_id, "Key id (default with --key: the file name without .pem)");
  token->add_option("--sub", options.subject, "Subject: the user");
  token->add_option("--channel", options.channels, "May subscribe to (repeatable; a trailing * is a prefix)");
  token->add_option("--publish", options.publish, "May publish to (repeatable; a trailing * is a prefix)");
  token->add_option("--iss", options.issuer, "Issuer");
  token->add_option("--aud", options.audience, "Audience");
  token->add_option("--ttl", options.ttl_seconds, "Seconds until it expires, 0 = never")
      ->capture_default_str();
  return token;
}

CLI::App* add_demo_backend_command(CLI::App& app, herald::cli::DemoBackendOptions& options) {
  auto* backend = app.add_subcommand(
      "demo-backend",
      "Serve the demo pages' requests (AI replies, payments) and dashboard metrics; runs until stopped");
  backend->add_option("--url", options.url, "Server URL")->capture_default_str();
  backend->add_option("--api-key", options.api_key,
                      "API key to publish with (default: $HERALD_PUBLISH_API_KEY, else $HERALD_API_KEY)");
  backend->add_option("--metrics-interval", options.metrics_interval_ms, "ms between two dashboard samples")
      ->capture_default_str();
  backend->add_option("--token-interval", options.token_interval_ms, "ms between two steps of an AI reply")
      ->capture_default_str();
  backend->add_option("--tokens-per-step", options.tokens_per_step, "Tokens published at each step")
      ->capture_default_str();
  backend->add_option("--settle", options.settle_ms, "ms from the start of a payment to its result")
      ->capture_default_str();
  return backend;
}

int serve(const ServeFlags& flags) {
  herald::Config config;
  try {
    config = herald::load_config(flags.config_file, flags.overrides);
  } catch (const herald::ConfigError& error) {
    std::cerr << "herald: configuration error: " << error.what() << "\n";
    return kUsageError;
  }
  herald::setup_logging(config.log_format, config.log_level);
  herald::warn_about_environment(config);
  return herald::run_server(config);
}

// A command line CLI11 cannot parse. For `serve` it is a configuration problem like any other.
int usage_error(const CLI::App& serve_command, const CLI::ParseError& error) {
  if (serve_command.parsed())
    std::cerr << "herald: configuration error: command line: " << error.what() << "\n";
  else
    std::cerr << "herald: " << error.what() << "\nRun with --help for more information.\n";
  return kUsageError;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "herald"};
  app.require_subcommand(1);
  ServeFlags serve_flags;
  auto* serve_command = add_serve_command(app, serve_flags);
  herald::cli::PublishOptions publish;
  auto* publish_command = add_publish_command(app, publish);
  herald::cli::SubscribeOptions subscribe;
  auto* subscribe_command = add_subscribe_command(app, subscribe);
  herald::cli::TokenOptions token;
  auto* token_command = add_token_command(app, token);
  herald::cli::DemoBackendOptions demo_backend;
  auto* demo_backend_command = add_demo_backend_command(app, demo_backend);
  app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);  // --help
    return usage_error(*serve_command, error);
  }
  if (*serve_command) return serve(serve_flags);
  if (*publish_command) return herald::cli::publish_command(publish);
  if (*subscribe_command) return herald::cli::subscribe_command(subscribe);
  if (*token_command) return herald::cli::token_command(token);
  if (*demo_backend_command) return herald::cli::demo_backend_command(demo_backend);
  std::cout << "herald " << HERALD_VERSION << std::endl;
  return 0;
}
