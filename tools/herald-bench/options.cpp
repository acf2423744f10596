// Command-line parsing with CLI11 (see options.hpp).
#include "options.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ctime>
#include <map>

namespace bench {
namespace {

std::string default_sub_path(Transport transport) {
  switch (transport) {
    case Transport::sse:
      return "/api/sse?channel={channel}";
    case Transport::ws:
      return "/api/ws";
    case Transport::longpoll:
      return "/api/lp?channel={channel}";
  }
  return {};
}

void add_load_options(CLI::App& app, Options& o) {
  app.add_option("--subscribers", o.subscribers, "Subscriber connections")->check(CLI::Range(0, 1'000'000));
  app.add_option("--channels", o.channels, "Channels (subscriber i uses channel i % C)")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--messages", o.messages, "Messages published in total")
      ->check(CLI::Range(0L, 100'000'000L));
  app.add_option("--publishers", o.publishers, "Publisher connections, one thread each")
      ->check(CLI::Range(1, 256));
  app.add_option("--rate", o.rate, "Total messages/s across publishers, 0 = as fast as possible")
      ->check(CLI::Range(0.0, 1e7));
  app.add_option("--size", o.size, "Payload bytes (padded)")->check(CLI::Range(0, 1'000'000));
  app.add_option("--threads", o.threads, "Subscriber threads, one epoll loop each")->check(CLI::Range(1, 64));
  app.add_option("--read-every", o.read_every_ms,
                 "Slow readers: each subscriber thread reads at most once per this many ms (0 = at once)")
      ->check(CLI::Range(0.0, 1000.0));
  app.add_option("--max-connecting", o.max_connecting, "Per thread: connections opened but not yet ready")
      ->check(CLI::Range(1, 100'000));
}

void add_run_options(CLI::App& app, Options& o) {
  app.add_option("--pid", o.pids, "Server process whose CPU and RSS are read from /proc (repeatable)");
  app.add_option("--broker-pid", o.broker_pids,
                 "Broker process (e.g. Redis) of the servers: its CPU and RSS count in the server figures "
                 "and are also reported on their own (repeatable)");
  app.add_flag("--idle", o.idle, "Connect the subscribers, report server RSS per connection, close");
  app.add_option("--timeout", o.timeout, "Hard bound on the whole run, seconds")
      ->check(CLI::Range(0.1, 86400.0));
  app.add_option("--quiet", o.quiet,
                 "Stop waiting when nothing arrived for this long after publishing, seconds")
      ->check(CLI::Range(0.1, 86400.0));
  app.add_option("--settle", o.settle, "Idle mode: seconds to wait before reading RSS")
      ->check(CLI::Range(0.0, 600.0));
  app.add_option("--run-id", o.run_id, "Channel names are bench-<run id>-<k> (default: pid and time)");
  app.add_flag("--json", o.json, "Print one JSON result line");
}

}  // namespace

const char* transport_name(Transport transport) {
  switch (transport) {
    case Transport::sse:
      return "sse";
    case Transport::ws:
      return "ws";
    case Transport::longpoll:
      return "longpoll";
  }
  return "?";
}

Options parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{
      "herald-bench: subscribers over SSE, WebSocket or long polling, HTTP publishers, latency and loss"};
  app.add_option("--url", o.urls,
                 "Subscribe side, http://HOST:PORT (loopback only); repeatable: subscribers are spread "
                 "round robin over the URLs");
  app.add_option("--publish-url", o.publish_url, "Publish side (default: the first --url)");
  std::map<std::string, Transport> transports{
      {"sse", Transport::sse}, {"ws", Transport::ws}, {"longpoll", Transport::longpoll}};
  app.add_option("--transport", o.transport, "Subscriber transport (default sse)")
      ->transform(CLI::CheckedTransformer(transports))
      ->option_text("sse|ws|longpoll");
  app.add_option("--sub-path", o.sub_path, "Subscribe path template with {channel} (default: herald's)");
  app.add_option("--ws-subscribe", o.ws_subscribe, "Text message sent after the WS handshake ('' = none)");
  std::map<std::string, LongPollStyle> styles{{"herald", LongPollStyle::herald},
                                              {"nchan", LongPollStyle::nchan}};
  app.add_option("--lp-style", o.lp_style, "herald (since=cursor) | nchan (If-Modified-Since/If-None-Match)")
      ->transform(CLI::CheckedTransformer(styles))
      ->option_text("herald|nchan");
  std::map<std::string, SseReady> readiness{{"id", SseReady::id}, {"headers", SseReady::headers}};
  app.add_option("--sse-ready", o.sse_ready,
                 "SSE subscribed at the first event with an id (herald) | at the response headers (Nchan)")
      ->transform(CLI::CheckedTransformer(readiness))
      ->option_text("id|headers");
  app.add_option("--pub-path", o.pub_path, "Publish path template with {channel}");
  add_load_options(app, o);
  add_run_options(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  if (o.publish_url.empty()) o.publish_url = o.urls.front();
  if (o.sub_path.empty()) o.sub_path = default_sub_path(o.transport);
  if (o.run_id.empty()) o.run_id = fmt::format("{}x{}", getpid(), std::time(nullptr) % 1000000);
  return o;
}

}  // namespace bench
