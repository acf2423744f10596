// The work behind the AI and payment demo pages: a simulated reply streamed token by token to its reply
// channel, and a simulated payment that settles a few seconds after it starts. Each job runs as a chain
// of TaskTimer steps; at most kMaxDemoJobs run at once, and requests beyond get an error reply.
#pragma once
#include <atomic>
#include <memory>

#include "cli/batch_publisher.hpp"
#include "cli/commands.hpp"
#include "cli/demo_request.hpp"
#include "cli/task_timer.hpp"

namespace herald::cli {

// More requests at once are answered with an error, so that a flood of requests cannot grow without bound.
inline constexpr int kMaxDemoJobs = 64;

class DemoJobs {
 public:
  DemoJobs(const DemoBackendOptions& options, const BatchPublisher& publisher)
      : options_(options), publisher_(publisher) {}

  // Starts the job a request asks for (a refused request gets its error published; an unreadable one is
  // only logged).
  void start(const DemoRequest& request);

 private:
  struct TokenStream;

  void stream_reply(const AiRequest& request);
  void next_tokens(std::shared_ptr<TokenStream> stream);
  void settle_payment(const PayRequest& request);
  void refuse(const std::string& reply, const std::string& message);
  bool reserve(const std::string& reply);  // a place for one more job; when all are taken, `reply` is told
  void release() { --running_; }

  const DemoBackendOptions& options_;
  const BatchPublisher& publisher_;
  std::atomic<int> running_{0};
  TaskTimer timer_;  // last: its thread stops before the members its tasks use go away
};

}  // namespace herald::cli
