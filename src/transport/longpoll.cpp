// Long polling (see longpoll.hpp).
#include "transport/longpoll.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "auth/publish_policy.hpp"
#include "session/engine_results.hpp"

namespace herald {
namespace asio = boost::asio;

LongPollWait::LongPollWait(Worker& worker, PollParams params)
    : worker_(worker),
      params_(std::move(params)),
      feed_(worker.hub(), params_.channel, *this, params_.limit),
      timer_(worker.context()) {}

void LongPollWait::finish() {
  if (finished_) return;
  finished_ = true;
  feed_.stop();
  timer_.cancel();
}

void LongPollWait::on_feed_ready(ChannelFeed&) {
  if (!messages_.empty() || gap_ || timed_out_) finish();
}

void LongPollWait::on_feed_failed(ChannelFeed& feed, const std::string& reason) {
  failure_ = engine_error(feed.failure(), reason);
  finish();
}

asio::awaitable<void> LongPollWait::wait() {
  feed_.start(params_.since);
  if (finished_) co_return;
  timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(params_.timeout)));
  co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  if (finished_) co_return;
  if (!feed_.started()) {
    // The timeout passed before the first history read answered (always possible with timeout=0):
    // that answer, whatever it holds, is the response. finish() ends this wait.
    timed_out_ = true;
    timer_.expires_at(std::chrono::steady_clock::time_point::max());
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  finish();
}

HttpResponse LongPollWait::response() const {
  if (failure_) return error_response(*failure_);
  std::vector<MessagePtr> messages = messages_;
  if (messages.size() > params_.limit) messages.resize(params_.limit);
  Cursor cursor;
  if (!messages.empty())
    cursor = messages.back()->cursor();
  else if (feed_.started())
    cursor = feed_.position();
  else if (params_.since && params_.since->cursor)
    cursor = *params_.since->cursor;
  bool more = messages.size() < messages_.size() || feed_.catching_up();
  auto& metrics = const_cast<Worker&>(worker_).metrics();
  metrics.delivered(Delivery::longpoll, messages.size());
  if (gap_) metrics.gap();
  return json_response(http::status::ok, poll_response_json(params_.channel, messages, cursor, gap_, more));
}

asio::awaitable<std::optional<HttpResponse>> serve_long_poll(Worker& worker, const Access& access,
                                                             const HttpRequest& request,
                                                             asio::ip::tcp::socket& socket,
                                                             std::shared_ptr<LongPollWait>& current) {
  const Config& config = worker.config();
  PollLimits limits{config.longpoll_max_messages, config.longpoll_max_messages,
                    config.longpoll_default_timeout.count(), config.longpoll_max_timeout.count()};
  auto params = parse_poll_params(request, limits);
  if (auto* error = std::get_if<ApiError>(&params)) co_return error_response(*error);
  auto admitted = access.admit_subscriber(request, {std::get<PollParams>(params).channel});
  if (auto* refusal = std::get_if<ApiError>(&admitted)) co_return refusal_response(*refusal);

  auto wait = std::make_shared<LongPollWait>(worker, std::get<PollParams>(std::move(params)));
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
