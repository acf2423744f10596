// `herald demo-backend`: the server side of the demo pages (docs/demos.md), a client of herald like any
// backend. It follows the channel demo.requests over SSE and starts what the pages ask for (AI replies
// streamed token by token, payments that settle), and publishes a summary of GET /metrics to
// demo.metrics every second for the live dashboard. Everything goes through herald's HTTP API.
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "cli/api_key_env.hpp"
#include "cli/batch_publisher.hpp"
#include "cli/commands.hpp"
#include "cli/demo_jobs.hpp"
#include "cli/demo_log.hpp"
#include "cli/demo_request.hpp"
#include "cli/http_client.hpp"
#include "cli/metrics_summary.hpp"
#include "protocol/sse/sse_parser.hpp"

namespace herald::cli {
namespace {

using std::chrono::milliseconds;

// Waited between two attempts to reach herald when it does not answer (it may still be starting).
constexpr milliseconds kReconnectDelay{500};

long long now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The `data` of an envelope, as JSON text ("" when the event is no envelope).
std::string envelope_data(const std::string& event_data) {
  boost::system::error_code error;
  boost::json::value envelope = boost::json::parse(event_data, error);
  const auto* object = error ? nullptr : envelope.if_object();
  const auto* data = object != nullptr ? object->if_contains("data") : nullptr;
  return data != nullptr ? boost::json::serialize(*data) : "";
}

// Follows demo.requests from now on, reconnecting (with Last-Event-ID, so no request is lost) until the
// process ends. `on_open` runs once, when the first stream has been accepted.
[[noreturn]] void follow_requests(const ServerUrl& url, DemoJobs& jobs,
                                  const std::function<void()>& on_open) {
  std::string last_id;
  bool opened = false;
  bool told_waiting = false;
  const std::string target = "/api/sse?channel=" + std::string(kDemoRequestChannel);
  while (true) {
    sse::Parser parser([&](const sse::Event& event) {
      if (event.event == "gap" || event.event == "close") return;
      jobs.start(parse_demo_request(envelope_data(event.data)));
    });
    Headers headers;
    if (!last_id.empty()) headers["Last-Event-ID"] = last_id;
    try {
      std::string error_body;
      unsigned status = stream_get(
          url, target, headers,
          [&](std::string_view bytes) {
            if (!opened) {
              opened = true;
              on_open();
            }
            parser.feed(bytes);
            last_id = parser.last_event_id();
            return true;
          },
          error_body);
      if (status != 200) demo_log({target, ": HTTP ", std::to_string(status), ": ", error_body});
    } catch (const ConnectionError& error) {
      if (!told_waiting) demo_log({"waiting for herald: ", error.what()});
      told_waiting = true;
    }
    std::this_thread::sleep_for(kReconnectDelay);
  }
}

// Samples GET /metrics every interval and publishes the rates between two samples to demo.metrics.
[[noreturn]] void publish_metrics(const ServerUrl& url, const DemoBackendOptions& options,
                                  const BatchPublisher& publisher) {
  std::optional<MetricsSample> previous;
  auto previous_at = std::chrono::steady_clock::now();
  auto next = previous_at;
  Headers headers;
  if (std::string key = publisher_api_key(options.api_key); !key.empty())
    headers["Authorization"] = "Bearer " + key;
  while (true) {
    next += milliseconds(options.metrics_interval_ms);
    try {
      HttpReply reply = get(url, "/metrics", headers);
      auto taken_at = std::chrono::steady_clock::now();
      if (reply.status != 200) {
        demo_log({"GET /metrics: HTTP ", std::to_string(reply.status), ": ", reply.body});
        previous.reset();
      } else {
        MetricsSample sample = metrics_sample(reply.body);
        double seconds = std::chrono::duration<double>(taken_at - previous_at).count();
        if (previous && seconds > 0)
          publisher.publish({{std::string(kDemoMetricsChannel), "metrics",
                              metrics_summary(*previous, sample, seconds, now_ms())}});
        previous = sample;
        previous_at = taken_at;
      }
    } catch (const ConnectionError&) {
      previous.reset();  // herald is away; its counters may start again from 0
    }
    std::this_thread::sleep_until(next);
  }
}

}  // namespace

int demo_backend_command(const DemoBackendOptions& options) {
  auto url = parse_server_url(options.url);
  if (!url) {
    std::cerr << "error: --url must look like http://HOST:PORT\n";
    return 2;
  }
  if (options.metrics_interval_ms == 0 || options.token_interval_ms == 0 || options.tokens_per_step == 0) {
    std::cerr << "error: intervals and --tokens-per-step must be at least 1\n";
    return 2;
  }
  BatchPublisher publisher(*url, publisher_api_key(options.api_key));
  DemoJobs jobs(options, publisher);
  demo_log({"serving the demo pages of ", to_string(*url), " (requests on ", kDemoRequestChannel,
            ", metrics to ", kDemoMetricsChannel, ")"});
  std::thread metrics;
  // The dashboard's samples start once requests are followed: a page that sees them knows the backend
  // is ready for its requests too.
  follow_requests(*url, jobs,
                  [&] { metrics = std::thread([&] { publish_metrics(*url, options, publisher); }); });
  metrics.join();
  return 0;
}

}  // namespace herald::cli
