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

LongPollWait::LongPollWait(Worker& worker, LongPollParams params)
    : worker_(worker), limit_(params.limit), timeout_(params.timeout), timer_(worker.context()) {
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
}

bool LongPollWait::all_started() const {
  return std::all_of(parts_.begin(), parts_.end(), [](const Part& part) { return part.feed->started(); });
}

bool LongPollWait::has_news() const {
  return std::any_of(parts_.begin(), parts_.end(),
                     [](const Part& part) { return !part.messages.empty() || part.gap; });
}

// The answer waits until every channel knows its position, so that each has a cursor to resume from.
void LongPollWait::on_feed_ready(ChannelFeed&) {
  if (all_started() && (has_news() || timed_out_)) finish();
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
                                                             asio::ip::tcp::socket& socket,
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
  // A client that closes its connection while waiting makes the socket readable with nothing to read.
  socket.async_wait(asio::ip::tcp::socket::wait_read, [wait, &socket](boost::system::error_code error) {
    if (error || wait->finished()) return;
    boost::system::error_code ignored;
    if (socket.available(ignored) == 0) wait->client_left();
  });
  worker.metrics().connection_opened(Transport::longpoll);
  co_await wait->wait();
  worker.metrics().connection_closed(Transport::longpoll);
  boost::system::error_code ignored;
  socket.cancel(ignored);
  current.reset();
  if (wait->client_gone()) co_return std::nullopt;
  co_return wait->response();
}

}  // namespace herald
