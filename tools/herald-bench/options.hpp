// Command-line options of herald-bench and their per-transport defaults (herald's paths unless told).
#pragma once

#include <string>
#include <vector>

namespace bench {

enum class Transport { sse, ws, longpoll };
enum class LongPollStyle { herald, nchan };
// When an SSE subscriber counts as subscribed: at its first event with an id (herald: the position event
// of a stream that starts from now, sent once the subscription has its start position) or at the
// response headers (Nchan, whose new subscribers start from the oldest buffered message).
enum class SseReady { id, headers };

struct Options {
  // Subscribe side, one or more nodes: the j-th subscriber of channel k uses urls[(j + k) % urls.size()],
  // so every channel's subscribers (and all subscribers) are spread round robin over the nodes.
  std::vector<std::string> urls{"http://127.0.0.1:8080"};
  std::string publish_url;  // empty: the first of urls
  Transport transport = Transport::sse;
  std::string sub_path;  // template with {channel}; empty: herald's default for the transport
  std::string ws_subscribe = R"({"id":1,"op":"subscribe","channel":"{channel}"})";  // "" = none
  LongPollStyle lp_style = LongPollStyle::herald;
  SseReady sse_ready = SseReady::id;
  std::string pub_path = "/api/publish/{channel}";
  int subscribers = 100;
  int channels = 1;
  long messages = 100;
  int publishers = 1;
  double rate = 0;  // total messages/s, 0 = as fast as possible
  int size = 64;
  std::vector<int> pids;
  std::vector<int> broker_pids;  // e.g. Redis: counted in the server figures and reported on their own
  bool idle = false;
  double timeout = 60;
  double quiet = 10;  // after publishing: stop early when nothing arrives for this long
  double settle = 1;  // idle mode: pause before reading the server's RSS
  int threads = 2;
  // Slow readers: each subscriber thread reads its sockets at most once per this many milliseconds
  // (0 = as soon as data arrives), as subscribers far away or on a busy device do.
  double read_every_ms = 0;
  int max_connecting = 128;  // per thread: connections opened but not yet subscribed
  std::string run_id;        // empty: derived from pid and time
  bool json = false;
};

// Parses argv; exits the process on --help or bad usage (CLI11 behaviour).
Options parse_options(int argc, char** argv);

const char* transport_name(Transport transport);

}  // namespace bench
