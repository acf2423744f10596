// Long polling (see longpoll.hpp).
#include "transport/longpoll.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "auth/publish_policy.hpp"
#include "core/resume_token.hpp"
#include "session/engine_results.hpp"

namespace herald {
namespace asio = boost::asio;

namespace {
// A worker that answered kBusyPolls polls with messages within kBusyWindow is busy with polling.
constexpr std::size_t kBusyPolls = 32;
constexpr auto kBusyWindow = std::chrono::milliseconds(100);
// The longest an answer gathers, cork_ms included.
constexpr auto kLongestGather = std::chrono::milliseconds(50);
}  // namespace

LongPollWait::LongPollWait(Worker& worker, LongPollParams params)
    : worker_(worker),
      limit_(params.limit),
      timeout_(params.timeout),
      timer_(worker.context()),
      gather_timer_(worker.context()) {
  parts_.reserve(params.channels.size());
  for (std::size_t i = 0; i < params.channels.size(); ++i) {
    Part part;
    part.feed = std::make_unique<ChannelFeed>(worker.hub(), std::move(params.channels[i]), *this, limit_);
    part.feed->index = i;
    part.since = std::move(params.since[i]);
    parts_.push_back(std::move(part));
  }
}

void LongPollWait::finish() {
  if (finished_) return;
  finished_ = true;
  for (auto& part : parts_) part.feed->stop();
  timer_.cancel();
  gather_timer_.cancel();
  if (has_news()) worker_.answered_polls().note(std::chrono::steady_clock::now(), kBusyWindow);
}

bool LongPollWait::all_started() const {
  return std::all_of(parts_.begin(), parts_.end(), [](const Part& part) { return part.feed->started(); });
}

bool LongPollWait::has_news() const {
  return std::any_of(parts_.begin(), parts_.end(),
                     [](const Part& part) { return !part.messages.empty() || part.gap; });
}

bool LongPollWait::any_part_full() const {
  return std::any_of(parts_.begin(), parts_.end(),
                     [this](const Part& part) { return part.messages.size() >= limit_; });
}

// The answer waits until every channel knows its position, so that each has a cursor to resume from.
// News found by those first reads leaves at once: the client is behind. News that comes live leaves at
// once too, unless this worker answered many polls lately (32 in 100 ms): then the answer waits
// server.cork_ms and, on a worker still backlogged, until it has caught up (50 ms at most in all), gathering
// the messages published meanwhile. Each poll (a whole request and response) then carries more of them, and
// the publishers, who share the worker with the pollers, get their turn before the next wave of polls.
void LongPollWait::on_feed_ready(ChannelFeed&) {
  if (!all_started()) return;
  bool came_live = live_;
  live_ = true;
  if (!has_news() && !timed_out_) return;
  if (came_live && !timed_out_ && should_gather()) return gather();
  finish();
}

bool LongPollWait::should_gather() const {
  return gather_time().count() > 0 && !any_part_full() &&
         worker_.answered_polls().busy(std::chrono::steady_clock::now(), kBusyWindow, kBusyPolls);
}

void LongPollWait::gather() {
  if (gathering_) return;
  gathering_ = true;
  worker_.metrics().longpoll_gathered();
  gather_timer_.expires_after(gather_time());
  gather_timer_.async_wait([this, self = weak_from_this()](boost::system::error_code error) {
    if (error || self.expired()) return;
    // Then, on a worker still backlogged, after what is queued (the next publishes among it).
    worker_.catch_up().after_catching_up(
        [self] {
          if (auto wait = self.lock()) wait->finish();
        },
        kLongestGather - gather_time());
  });
}

void LongPollWait::on_feed_failed(ChannelFeed& feed, const std::string& reason) {
  failure_ = engine_error(feed.failure(), reason);
  finish();
}

asio::awaitable<void> LongPollWait::wait() {
  for (auto& part : parts_) {
    if (finished_) co_return;
    part.feed->start(part.since);
  }
  if (finished_) co_return;
  timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(timeout_)));
  co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  if (finished_) co_return;
  if (!all_started()) {
    // The timeout passed before every first history read answered (always possible with timeout=0):
    // those answers, whatever they hold, are the response. finish() ends this wait.
    timed_out_ = true;
    timer_.expires_at(std::chrono::steady_clock::time_point::max());
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  finish();
}

std::string LongPollWait::part_json(const Part& part, Cursor& cursor) const {
  std::vector<MessagePtr> messages = part.messages;
  if (messages.size() > limit_) messages.resize(limit_);
  if (!messages.empty())
    cursor = messages.back()->cursor();
  else if (part.feed->started())
    cursor = part.feed->position();
  else if (part.since && part.since->cursor)
    cursor = *part.since->cursor;
  bool more = messages.size() < part.messages.size() || part.feed->catching_up();
  auto& metrics = const_cast<Worker&>(worker_).metrics();
  metrics.delivered(Delivery::longpoll, messages.size());
  if (part.gap) metrics.gap();
  return poll_response_json(part.feed->channel(), messages, cursor, part.gap, more);
}

HttpResponse LongPollWait::response() const {
  if (failure_) return error_response(*failure_);
  std::vector<std::string> answers;
  std::vector<Cursor> cursors(parts_.size());
  for (std::size_t i = 0; i < parts_.size(); ++i) answers.push_back(part_json(parts_[i], cursors[i]));
  if (answers.size() == 1) return json_response(http::status::ok, std::move(answers.front()));
  return json_response(http::status::ok, multi_poll_response_json(answers, format_resume_token(cursors)));
}

asio::awaitable<std::optional<HttpResponse>> serve_long_poll(Worker& worker, const Access& access,
                                                             const HttpRequest& request,
                                                             const ClientWatch& watch_client,
                                                             std::shared_ptr<LongPollWait>& current) {
  const Config& config = worker.config();
  PollLimits limits{config.longpoll_max_messages, config.longpoll_max_messages,
                    config.longpoll_default_timeout.count(), config.longpoll_max_timeout.count()};
  auto params = parse_long_poll_params(request, limits, config.longpoll_max_channels);
  if (auto* error = std::get_if<ApiError>(&params)) co_return error_response(*error);
  auto admitted = access.admit_subscriber(request, std::get<LongPollParams>(params).channels);
  if (auto* refusal = std::get_if<ApiError>(&admitted)) co_return refusal_response(*refusal);

  auto wait = std::make_shared<LongPollWait>(worker, std::get<LongPollParams>(std::move(params)));
  current = wait;
  if (worker.state().shutting_down) wait->finish();
  watch_client(wait);
  worker.metrics().connection_opened(Transport::longpoll);
  co_await wait->wait();
  worker.metrics().connection_closed(Transport::longpoll);
  current.reset();
  if (wait->client_gone()) co_return std::nullopt;
  co_return wait->response();
}

}  // namespace herald
