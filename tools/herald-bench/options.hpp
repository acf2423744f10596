// Command-line options of herald-bench and their per-transport defaults (herald's paths unless told).
#pragma once

#include <string>
#include <vector>

namespace bench {

enum class Transport { sse, ws, longpoll };
enum class LongPollStyle { herald, nchan };

struct Options {
  std::string url = "http://127.0.0.1:8080";
  std::string publish_url;  // empty: same as url
  Transport transport = Transport::sse;
  std::string sub_path;  // template with {channel}; empty: herald's default for the transport
  std::string ws_subscribe = R"({"id":1,"op":"subscribe","channel":"{channel}"})";  // "" = none
  LongPollStyle lp_style = LongPollStyle::herald;
  std::string pub_path = "/api/publish/{channel}";
  int subscribers = 100;
  int channels = 1;
  long messages = 100;
  int publishers = 1;
  double rate = 0;  // total messages/s, 0 = as fast as possible
  int size = 64;
  std::vector<int> pids;
  bool idle = false;
  double timeout = 60;
  double quiet = 10;  // after publishing: stop early when nothing arrives for this long
  double settle = 1;  // idle mode: pause before reading the server's RSS
  int threads = 2;
  int max_connecting = 128;  // per thread: connections opened but not yet subscribed
  std::string run_id;        // empty: derived from pid and time
  bool json = false;
};

// Parses argv; exits the process on --help or bad usage (CLI11 behaviour).
Options parse_options(int argc, char** argv);

const char* transport_name(Transport transport);

}  // namespace bench
