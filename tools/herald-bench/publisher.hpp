// One publisher: a thread with a blocking keep-alive HTTP/1.1 connection that POSTs the benchmark
// payloads to its own channels round robin (so each channel's sequence is published in order by one
// connection), paced to its share of the total rate. Each payload carries its send time; with a rate it
// carries the time it was scheduled for, so a server that slows its publishers down (late answers) is
// charged for the delay instead of hiding it (no coordinated omission).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "clock.hpp"
#include "target.hpp"

namespace bench {

struct PublisherChannel {
  std::string path;            // expanded publish path
  std::uint64_t messages = 0;  // how many to publish on it
};

struct PublisherResult {
  std::uint64_t published = 0;  // 2xx answers
  std::uint64_t errors = 0;     // other answers, broken connections
  std::int64_t first_send_ns = 0;
  std::int64_t last_send_ns = 0;
  std::int64_t max_lag_ns = 0;  // with a rate: how far behind its schedule the publisher fell
  std::string first_error;
};

class Publisher {
 public:
  Publisher(const Target& target, std::vector<PublisherChannel> channels, double rate, std::size_t size,
            Deadline deadline);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // The thread waits for `go` to become true, then publishes everything (or until the deadline).
  void start(const std::atomic<bool>& go);
  void join();
  bool finished() const { return finished_.load(); }
  const PublisherResult& result() const { return result_; }  // after join()

 private:
  void run(const std::atomic<bool>& go);
  bool publish_one(const PublisherChannel& channel, std::uint64_t seq, std::int64_t scheduled_ns);
  bool send_all(std::string_view data);
  int read_response();
  void note_error(const std::string& what);
  void reconnect();

  const Target& target_;
  std::vector<PublisherChannel> channels_;
  double rate_;
  std::size_t size_;
  Deadline deadline_;
  int fd_ = -1;
  std::string payload_;
  std::string request_;
  PublisherResult result_;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace bench
