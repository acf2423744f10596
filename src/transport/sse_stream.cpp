// SSE streams (see sse_stream.hpp).
#include "transport/sse_stream.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/json.hpp>

#include "core/channel_name.hpp"
#include "core/resume_token.hpp"
#include "protocol/gap_json.hpp"
#include "protocol/sse/sse_format.hpp"
#include "pubsub/channel_feed.hpp"
#include "runtime/outbound_queue.hpp"
#include "runtime/queued_writer.hpp"
#include "runtime/socket_of.hpp"

namespace herald {
namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;

Parsed<SseParams> parse_sse_params(const HttpRequest& request, std::size_t max_channels) {
  SseParams params;
  params.channels = request.params("channel");
  if (params.channels.empty())
    return ApiError{http::status::bad_request, "invalid_field", "at least one channel parameter is required"};
  if (params.channels.size() > max_channels)
    return ApiError{http::status::bad_request, "too_many_channels",
                    "a stream carries at most " + std::to_string(max_channels) + " channels"};
  for (std::size_t i = 0; i < params.channels.size(); ++i) {
    if (!is_valid_channel_name(params.channels[i])) return invalid_channel_error();
    for (std::size_t j = 0; j < i; ++j)
      if (params.channels[j] == params.channels[i])
        return ApiError{http::status::bad_request, "invalid_channel", "a channel is listed twice"};
  }
  auto format = request.param("format").value_or("json");
  if (format != "json" && format != "raw")
    return ApiError{http::status::bad_request, "invalid_field", "format must be json or raw"};
  params.raw = format == "raw";
  if (params.raw && params.channels.size() != 1)
    return ApiError{http::status::bad_request, "invalid_field", "format=raw needs exactly one channel"};

  std::string token(request.header("Last-Event-ID"));
  if (token.empty()) token = request.param("since").value_or("");
  params.since.resize(params.channels.size());
  if (!token.empty()) {
    auto parts = split_resume_token(token, params.channels.size());
    for (std::size_t i = 0; i < parts.size(); ++i) params.since[i] = std::move(parts[i]);
  }
  return params;
}

namespace {

constexpr std::string_view kResponseHead =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream\r\n"
    "Cache-Control: no-cache\r\n"
    "X-Accel-Buffering: no\r\n"
    "Connection: close\r\n"
    "\r\n";

template <typename Stream>
class SseStream final : public Connection,
                        public FeedSink,
                        public Flushable,
                        public std::enable_shared_from_this<SseStream<Stream>> {
 public:
  SseStream(Stream stream, Worker& worker, ConnectionSlot slot, SseParams params)
      : stream_(std::move(stream)),
        worker_(worker),
        slot_(std::move(slot)),
        params_(std::move(params)),
        writer_(worker.config().queue_bytes),
        queue_(writer_.queue),
        opened_(Clock::now()) {}

  void start() {
    worker_.connections().add(*this);
    worker_.metrics().connection_opened(Transport::sse);
    queue_.push_static(kResponseHead);
    queue_.push(sse::retry_field(worker_.config().sse_retry_ms));
    parts_.resize(params_.channels.size());
    feeds_.reserve(params_.channels.size());
    for (std::size_t i = 0; i < params_.channels.size(); ++i) {
      feeds_.push_back(std::make_unique<ChannelFeed>(worker_.hub(), params_.channels[i], *this));
      feeds_.back()->index = i;
    }
    resumed_ = std::any_of(params_.since.begin(), params_.since.end(),
                           [](auto& since) { return since.has_value(); });
    for (std::size_t i = 0; i < feeds_.size() && !closed_; ++i) feeds_[i]->start(std::move(params_.since[i]));
    std::vector<std::optional<ResumePoint>>().swap(
        params_.since);  // a long-lived stream keeps only what it uses
    std::vector<std::string>().swap(params_.channels);
    flush();
    read_until_closed();
  }

  void on_shutdown() override { end_stream("shutdown"); }

  void on_tick(Clock::time_point now) override {
    if (closed_) return;
    if (writer_.stalled(now)) return drop_slow_consumer();
    if (closing_) return;
    Seconds lifetime = worker_.config().sse_max_lifetime;
    if (lifetime > Seconds::zero() && now - opened_ >= lifetime) return end_stream("lifetime");
    if (now - writer_.last_write() >= worker_.config().sse_heartbeat && queue_.empty()) {
      queue_.push_static(sse::kHeartbeat);
      flush();
    }
  }

  void on_feed_started(ChannelFeed& feed) override {
    parts_[feed.index] = feed.position().to_string();
    if (++started_ < feeds_.size()) return;
    // A stream that started "from now" tells the client its position at once, so that a reconnect
    // before the first message still resumes from here.
    if (!resumed_) queue_.push(id_line() + "\n");
    std::vector<Held> held = std::move(held_);
    for (auto& event : held) {
      if (event.gap)
        enqueue_gap(*feeds_[event.feed], *event.gap);
      else
        enqueue_message(*feeds_[event.feed], event.message);
    }
  }

  void on_feed_message(ChannelFeed& feed, const MessagePtr& message) override {
    if (started_ < feeds_.size()) return held_.push_back({feed.index, message, std::nullopt});
    enqueue_message(feed, message);
  }

  void on_feed_gap(ChannelFeed& feed, const Gap& gap) override {
    if (started_ < feeds_.size()) return held_.push_back({feed.index, nullptr, gap});
    enqueue_gap(feed, gap);
  }

  void on_feed_ready(ChannelFeed&) override {
    if (started_ == feeds_.size()) request_flush();
  }

  void on_feed_failed(ChannelFeed& feed, const std::string& reason) override {
    spdlog::warn("sse stream on {} ended: engine unavailable: {}", feed.channel(), reason);
    end_stream("unavailable");
  }

 private:
  struct Held {
    std::size_t feed;
    MessagePtr message;
    std::optional<Gap> gap;
  };

  std::string id_line() const {
    std::string line = "id: ";
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      if (i > 0) line += ',';
      line += parts_[i];
    }
    line += '\n';
    return line;
  }

  void enqueue_message(ChannelFeed& feed, const MessagePtr& message) {
    if (closing_) return;
    const std::string& encoded = params_.raw ? message->sse_raw : message->sse;
    bool queued;
    if (parts_.size() == 1) {
      queued = queue_.push(message, encoded);  // its id line is the message's cursor: shared bytes
    } else {
      parts_[feed.index] = message->cursor().to_string();
      std::size_t body_at = params_.raw ? message->sse_raw_body_at : message->sse_body_at;
      std::string_view body = std::string_view(encoded).substr(body_at);
      queued = queue_.queued_bytes() + body.size() <= worker_.config().queue_bytes &&
               queue_.push(id_line()) && queue_.push(message, body);
    }
    if (!queued) return drop_slow_consumer();
    worker_.metrics().delivered(Delivery::sse);
  }

  void enqueue_gap(ChannelFeed& feed, const Gap& gap) {
    if (closing_) return;
    parts_[feed.index] = gap.continue_from.to_string();
    std::string event = id_line();
    sse::append_event_body(event, "gap", gap_to_json(gap));
    worker_.metrics().gap();
    if (!queue_.push(std::move(event))) drop_slow_consumer();
  }

  void drop_slow_consumer() {
    if (closed_ || closing_) return;
    worker_.metrics().slow_consumer();
    spdlog::info("sse stream closed: slow consumer ({} bytes queued, limit {})", queue_.queued_bytes(),
                 worker_.config().queue_bytes);
    queue_.drop_unwritten();
    end_stream("slow_consumer");
  }

  // Ends the stream with a last event that says why; the client reconnects and resumes.
  void end_stream(std::string_view reason) {
    if (closing_ || closed_) return;
    closing_ = true;
    stop_feeds();
    std::string last = sse::retry_field(worker_.config().sse_retry_ms);
    last.pop_back();  // the close event continues the block
    sse::append_event_body(last, "close", std::string(R"({"reason":")") + std::string(reason) + "\"}");
    queue_.push(std::move(last), true);
    flush();
  }

  void flush_now() override {
    writer_.flush_request_served();
    flush();
  }

  void request_flush() {
    if (!closed_) writer_.request_flush(worker_, this->shared_from_this());
  }

  void flush() {
    if (closed_ || queue_.writing()) return;
    if (queue_.empty() && closing_) return close();
    writer_.flush(stream_, this->shared_from_this(), &SseStream::on_written);
  }

  void on_written(boost::system::error_code error) {
    if (error) return close();
    flush();
  }

  // The client sends nothing after its request; the socket turning readable means it closed the
  // connection (or sent bytes, which are read into the worker's scratch space and ignored).
  void read_until_closed() {
    socket_of(stream_).async_wait(asio::ip::tcp::socket::wait_read,
                                  [self = this->shared_from_this()](boost::system::error_code error) {
                                    if (error) return self->close();
                                    self->discard_input();
                                  });
  }

  void discard_input() {
    boost::system::error_code error;
    socket_of(stream_).non_blocking(true, error);
    std::size_t n = stream_.read_some(asio::buffer(worker_.scratch(), worker_.scratch_size()), error);
    if ((error && error != asio::error::would_block) || (!error && n == 0)) return close();
    read_until_closed();
  }

  void stop_feeds() {
    for (auto& feed : feeds_) feed->stop();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    stop_feeds();
    held_.clear();
    worker_.connections().remove(*this);
    worker_.metrics().connection_closed(Transport::sse);
    boost::system::error_code ignored;
    socket_of(stream_).shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_of(stream_).close(ignored);
  }

  Stream stream_;
  Worker& worker_;
  ConnectionSlot slot_;
  SseParams params_;
  std::vector<std::unique_ptr<ChannelFeed>> feeds_;
  std::vector<std::string> parts_;  // resume token part per channel
  std::size_t started_ = 0;
  std::vector<Held> held_;  // events that arrived before every channel had its start position
  QueuedWriter writer_;
  OutboundQueue& queue_;
  Clock::time_point opened_;
  bool closing_ = false;
  bool closed_ = false;
  bool resumed_ = false;  // the client gave a position to resume from
};

}  // namespace

template <typename Stream>
void start_sse_stream(Stream stream, Worker& worker, ConnectionSlot slot, SseParams params) {
  auto sse =
      std::make_shared<SseStream<Stream>>(std::move(stream), worker, std::move(slot), std::move(params));
  sse->start();
}

template void start_sse_stream<asio::ip::tcp::socket>(asio::ip::tcp::socket, Worker&, ConnectionSlot,
                                                      SseParams);

}  // namespace herald
