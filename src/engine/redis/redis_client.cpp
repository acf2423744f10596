// Redis command client (see redis_client.hpp).
#include "engine/redis/redis_client.hpp"

#include <boost/asio/post.hpp>

namespace herald::redis {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

Client::Client(asio::any_io_executor executor, Endpoint endpoint, Timeouts timeouts,
               std::function<void(bool)> on_state, prometheus::Histogram* durations)
    : executor_(executor),
      link_(executor, std::move(endpoint), timeouts, *this),
      on_state_(std::move(on_state)),
      deadline_(executor),
      durations_(durations) {}

void Client::stop() {
  link_.stop();
  deadline_.cancel();
  fail_all("the server is shutting down");
}

void Client::command(std::string_view formatted, Completion<Result> done, bool asking) {
  if (!link_.up()) {
    return complete_later(std::move(done),
                          Result{false, {}, "redis " + link_.endpoint().to_string() + " is unreachable"});
  }
  auto now = Clock::now();
  if (asking) {
    pending_.push_back(Pending{{}, now});
    link_.send(format_command({"ASKING"}));
  }
  pending_.push_back(Pending{std::move(done), now});
  link_.send(formatted);
  watch_deadline();
}

void Client::complete_later(Completion<Result> done, Result result) {
  asio::post(executor_, [done = std::move(done), result = std::move(result)]() mutable {
    std::move(done)(std::move(result));
  });
}

void Client::on_reply(Reply reply) {
  last_reply_ = Clock::now();
  if (pending_.empty()) return;  // a reply nobody waits for: ignore it
  Completion<Result> done = std::move(pending_.front().done);
  if (durations_ != nullptr)
    durations_->observe(std::chrono::duration<double>(Clock::now() - pending_.front().sent).count());
  pending_.pop_front();
  if (done) std::move(done)(Result{true, std::move(reply), {}});
}

void Client::on_link_up() {
  if (on_state_) on_state_(true);
}

void Client::on_link_down(const std::string& reason) {
  fail_all("redis " + link_.endpoint().to_string() + ": " + reason);
  if (on_state_) on_state_(false);
}

void Client::fail_all(const std::string& reason) {
  std::deque<Pending> failed;
  failed.swap(pending_);
  for (auto& pending : failed)
    if (pending.done) complete_later(std::move(pending.done), Result{false, {}, reason});
}

// One timer watches the silence: since the oldest waiting command was sent, or since the last reply if that
// came later. When it lasts the command timeout, the connection is taken as dead.
void Client::watch_deadline() {
  if (deadline_armed_ || pending_.empty()) return;
  deadline_armed_ = true;
  deadline_.expires_at(silent_since() + link_.timeouts().command);
  deadline_.async_wait([this](const boost::system::error_code& error) {
    deadline_armed_ = false;
    if (error) return;
    if (!pending_.empty() && Clock::now() - silent_since() >= link_.timeouts().command) {
      link_.fail("no reply within " + std::to_string(link_.timeouts().command.count()) + " ms");
      return;
    }
    watch_deadline();
  });
}

Clock::time_point Client::silent_since() const { return std::max(pending_.front().sent, last_reply_); }

}  // namespace herald::redis
