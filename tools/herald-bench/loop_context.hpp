// What one subscriber thread shares with its subscribers: the epoll descriptor and the thread's
// counters and latency samples (pre-sized; a sample that does not fit is counted, not stored).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct LoopContext {
  int epfd = -1;
  std::vector<std::int64_t> latencies_ns;  // reserved for every expected delivery of the thread
  std::uint64_t samples_dropped = 0;
  std::uint64_t fresh_deliveries = 0;
  std::int64_t last_delivery_ns = 0;
  std::uint64_t ready = 0;          // subscribed (headers / 101 / first poll answered)
  std::uint64_t failed = 0;         // never got subscribed
  std::uint64_t disconnects = 0;    // closed by the server after being subscribed
  std::uint64_t reconnects = 0;     // long-poll connections reopened
  std::uint64_t poll_answers = 0;   // long-poll answers that carried messages
  std::uint64_t poll_messages = 0;  // the messages they carried (repeats included)
  std::string first_error;          // allocated only when something goes wrong

  void record_latency(std::int64_t now_ns, std::int64_t sent_ns) {
    ++fresh_deliveries;
    if (now_ns > last_delivery_ns) last_delivery_ns = now_ns;
    if (latencies_ns.size() < latencies_ns.capacity())
      latencies_ns.push_back(now_ns - sent_ns);
    else
      ++samples_dropped;
  }
  void note_error(const std::string& what) {
    if (first_error.empty()) first_error = what;
  }
};

}  // namespace bench
