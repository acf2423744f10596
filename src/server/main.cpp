// The herald binary: `serve` runs the server; `publish`, `subscribe` and `version` are client tools.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>

#include "cli/commands.hpp"
#include "server/config_loader.hpp"
#include "server/logging.hpp"
#include "server/server.hpp"

namespace {

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

// --count 0 would mean neither "no message" nor "no limit" clearly: it is refused.
const CLI::Validator kAtLeastOne(
    [](std::string& text) -> std::string {
      unsigned long long value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      bool zero = error == std::errc{} && end == text.data() + text.size() && value == 0;
      return zero ? "must be at least 1 (leave --count out to run until stopped)" : "";
    },
    "N >= 1");

int serve(const ServeFlags& flags) {
  herald::Config config;
  try {
    config = herald::load_config(flags.config_file, flags.overrides);
    herald::setup_logging(config.log_format, config.log_level);
  } catch (const std::exception& error) {
    std::cerr << "herald: configuration error: " << error.what() << "\n";
    return 2;
  }
  return herald::run_server(config);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"herald: a real-time update server (polling, long polling, Server-Sent Events)"};
  app.require_subcommand(1);

  ServeFlags serve_flags;
  auto* serve_command = app.add_subcommand("serve", "Run the server");
  serve_command->add_option("--config", serve_flags.config_file, "TOML configuration file")
      ->check(CLI::ExistingFile);
  add_setting_flag(*serve_command, serve_flags, "--listen", "server.listen", "HOST:PORT to listen on");
  add_setting_flag(*serve_command, serve_flags, "--workers", "server.workers",
                   "Worker threads, 0 = one per core");
  add_setting_flag(*serve_command, serve_flags, "--api-key", "publish.api_key",
                   "API key publishers must send");
  add_setting_flag(*serve_command, serve_flags, "--log-format", "log.format", "text or json");
  add_setting_flag(*serve_command, serve_flags, "--log-level", "log.level",
                   "trace, debug, info, warn, error");
  add_setting_flag(*serve_command, serve_flags, "--web-root", "http.web_root",
                   "Serve web pages from this folder");
  serve_command->add_flag_callback(
      "--ws-echo", [&serve_flags] { serve_flags.overrides["ws.echo"] = "true"; },
      "Enable the WebSocket echo endpoint /api/ws/echo (ws.echo), for conformance suites");
  serve_command->footer(
      "Every setting can also be given as HERALD_<SECTION>_<KEY>, e.g. HERALD_HISTORY_SIZE=5000.");

  herald::cli::PublishOptions publish;
  auto* publish_command = app.add_subcommand("publish", "Publish one message through the HTTP API");
  publish_command->add_option("--url", publish.url, "Server URL")->capture_default_str();
  publish_command->add_option("--api-key", publish.api_key,
                              "API key (default: $HERALD_PUBLISH_API_KEY, else $HERALD_API_KEY)");
  publish_command->add_option("--event", publish.event, "Event name (default: message)");
  publish_command->add_option("--idempotency-key", publish.idempotency_key, "Publish at most once per key");
  publish_command->add_option("channel", publish.channel, "Channel")->required();
  publish_command->add_option("data", publish.data, "Data: JSON, or else sent as a string")->required();

  herald::cli::SubscribeOptions subscribe;
  auto* subscribe_command = app.add_subcommand("subscribe", "Print the messages of channels as they arrive");
  subscribe_command->add_option("--url", subscribe.url, "Server URL")->capture_default_str();
  subscribe_command->add_option("--since", subscribe.since, "Resume after this cursor or resume token");
  subscribe_command->add_flag("--raw", subscribe.raw, "Print payloads only (one channel)");
  subscribe_command
      ->add_option("--count", subscribe.max_messages,
                   "Exit (status 0) after printing N lines, messages and gap lines count alike; without it, "
                   "run until stopped")
      ->check(kAtLeastOne);
  subscribe_command->add_option("channels", subscribe.channels, "Channels")->required();

  app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);  // --help
    std::cerr << "herald: " << error.what() << "\nRun with --help for more information.\n";
    return 2;  // a command line that cannot be used
  }
  if (*serve_command) return serve(serve_flags);
  if (*publish_command) return herald::cli::publish_command(publish);
  if (*subscribe_command) return herald::cli::subscribe_command(subscribe);
  std::cout << "herald " << HERALD_VERSION << std::endl;
  return 0;
}
