// SSE streams (see sse_stream.hpp).
#include "transport/sse_stream.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <memory>

#include "core/resume_token.hpp"
#include "protocol/gap_json.hpp"
#include "protocol/http/channel_param.hpp"
#include "protocol/presence_json.hpp"
#include "protocol/sse/sse_format.hpp"
#include "pubsub/channel_feed.hpp"
#include "pubsub/presence_view.hpp"
#include "runtime/stream_connection.hpp"

namespace herald {
namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;

namespace {

// presence=true|1|false|0, and info=JSON (any JSON value, bounded).
std::optional<ApiError> parse_presence_params(const HttpRequest& request, std::size_t max_info_bytes,
                                              SseParams& params) {
  auto presence = request.param("presence").value_or("false");
  if (presence != "true" && presence != "1" && presence != "false" && presence != "0")
    return ApiError{http::status::bad_request, "invalid_field", "presence must be true or false"};
  params.presence_events = presence == "true" || presence == "1";
  auto info = request.param("info");
  if (!info) return std::nullopt;
  boost::system::error_code error;
  auto value = boost::json::parse(*info, error);
  if (error) return ApiError{http::status::bad_request, "invalid_field", "info must be JSON text"};
  if (!value.is_null()) params.info_json = boost::json::serialize(value);
  if (params.info_json.size() > max_info_bytes)
    return ApiError{
        http::status::payload_too_large, "too_large",
        "presence info is over presence.max_info_bytes (" + std::to_string(max_info_bytes) + " bytes)"};
  return std::nullopt;
}

}  // namespace

Parsed<SseParams> parse_sse_params(const HttpRequest& request, std::size_t max_channels,
                                   std::size_t max_info_bytes) {
  SseParams params;
  auto channels = channel_list_param(request, max_channels, "a stream carries");
  if (auto* error = std::get_if<ApiError>(&channels)) return std::move(*error);
  params.channels = std::get<std::vector<std::string>>(std::move(channels));
  auto format = request.param("format").value_or("json");
  if (format != "json" && format != "raw")
    return ApiError{http::status::bad_request, "invalid_field", "format must be json or raw"};
  params.raw = format == "raw";
  if (params.raw && params.channels.size() != 1)
    return ApiError{http::status::bad_request, "invalid_field", "format=raw needs exactly one channel"};
  if (auto error = parse_presence_params(request, max_info_bytes, params)) return std::move(*error);

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

// The response head with `extra` header lines (maybe none) before its end.
std::string response_head(std::string_view extra) {
  std::string head(kResponseHead.substr(0, kResponseHead.size() - 2));
  head += extra;
  head += "\r\n";
  return head;
}

// The part of a resume token that stands for a channel whose gap has not been sent yet: what the client
// asked for, so that a reconnect before the gap event reports the gap again. (A token that did not
// match the channels gives each channel the whole token, which cannot be a part: any text that is not
// a cursor serves.)
std::string unresumed_part(const ResumePoint& since) {
  return since.text.find(',') == std::string::npos ? since.text : std::string("unmatched");
}

template <typename Stream>
class SseStream final : public StreamConnection<Stream>,
                        public FeedSink,
                        public std::enable_shared_from_this<SseStream<Stream>> {
  using Base = StreamConnection<Stream>;
  using Base::worker_;
  using typename Base::AfterLastWords;

 public:
  SseStream(Stream stream, Worker& worker, ConnectionSlot slot, const SseParams& params)
      : Base(std::move(stream), worker, std::move(slot), Transport::sse),
        opened_(Clock::now()),
        token_expires_(params.token_expires),
        raw_(params.raw) {}

  // The parameters are used here and not kept: a long-lived stream keeps only what it uses.
  void start(SseParams params) {
    // One entry for the head and the retry field: the queue of an idle stream keeps room for one.
    this->send(response_head(params.extra_headers) + sse::retry_field(worker_.config().sse_retry_ms));
    this->hold_output();  // until every channel has its start position
    seats_ = std::move(params.seats);
    presence_ = presence_of(params);
    parts_.resize(params.channels.size());
    feeds_.reserve(params.channels.size());
    for (std::size_t i = 0; i < params.channels.size(); ++i) {
      feeds_.push_back(std::make_unique<ChannelFeed>(worker_.hub(), params.channels[i], *this));
      feeds_.back()->index = i;
      if (params.since[i]) parts_[i] = unresumed_part(*params.since[i]);
    }
    resumed_ =
        std::any_of(params.since.begin(), params.since.end(), [](auto& since) { return since.has_value(); });
    this->open();
    for (std::size_t i = 0; i < feeds_.size() && !this->closing(); ++i)
      feeds_[i]->start(std::move(params.since[i]));
  }

  void on_shutdown() override { end_stream("shutdown"); }

  void on_feed_started(ChannelFeed& feed) override {
    if (presence_view(feed.index)) join_presence(feed.index);
    // A feed that resumes with a gap keeps the client's part until its gap event is sent.
    if (!resumed_ || feed.recovered() || parts_[feed.index].empty())
      parts_[feed.index] = feed.position().to_string();
    if (++started_ < feeds_.size()) return;
    // A stream that started "from now" tells the client its position at once, so that a reconnect
    // before the first message still resumes from here.
    if (!resumed_) this->send(id_line() + "\n");
    std::vector<Held> held = std::move(held_);
    for (auto& event : held) {
      if (event.gap)
        enqueue_gap(*feeds_[event.feed], *event.gap);
      else
        enqueue_message(*feeds_[event.feed], event.message);
    }
    this->release_output();
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
    if (started_ == feeds_.size()) this->request_flush();
  }

  void on_feed_presence(ChannelFeed& feed, const PresenceEvent& event) override {
    auto* view = presence_view(feed.index);
    if (!view || !presence_->events) return;
    for (const auto& change : view->on_change(event)) enqueue_presence_change(change);
    this->request_flush();
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

  // What a stream in the presence of at least one of its channels keeps; a stream in none keeps nothing
  // (most streams: presence is off by default), so it costs them only a null pointer.
  struct Presence {
    PresenceClient client;
    bool events = false;  // presence=true: the presence list and its changes are sent
    std::vector<std::optional<PresenceView>> views;  // per channel; empty for one without presence
  };

  static std::unique_ptr<Presence> presence_of(SseParams& params) {
    const auto& keeps = params.keeps_presence;
    if (std::find(keeps.begin(), keeps.end(), true) == keeps.end()) return nullptr;
    auto presence = std::make_unique<Presence>();
    presence->client = std::move(params.presence_client);
    presence->events = params.presence_events;
    presence->views.resize(params.channels.size());
    for (std::size_t i = 0; i < keeps.size() && i < params.channels.size(); ++i)
      if (keeps[i]) presence->views[i].emplace(/*keep_set=*/false);
    return presence;
  }

  // The presence view of channel `index`; null when the stream is not in that channel's presence.
  PresenceView* presence_view(std::size_t index) {
    if (!presence_ || !presence_->views[index]) return nullptr;
    return &*presence_->views[index];
  }

  std::shared_ptr<Base> self() override { return this->shared_from_this(); }
  void on_received(char*, std::size_t) override {}  // the client has nothing to say after its request

  void on_stream_tick(Clock::time_point now) override {
    Seconds lifetime = worker_.config().sse_max_lifetime;
    if (lifetime > Seconds::zero() && now - opened_ >= lifetime) return end_stream("lifetime");
    if (token_expires_ && std::chrono::system_clock::now() >= *token_expires_)
      return end_stream("token_expired");
    if (now - this->writer().last_write() >= worker_.config().sse_heartbeat && this->writer().queue.empty()) {
      this->send_static(sse::kHeartbeat);
      this->flush();
    }
  }

  void on_ending() override {
    for (auto& feed : feeds_) {
      if (presence_view(feed->index) && feed->started())  // joined when it started
        worker_.state().engine->leave(worker_.id(), feed->channel(), presence_->client.id);
      feed->stop();
    }
    held_.clear();
    seats_.clear();  // the channels' places are free from now on, whatever ended the stream
  }

  std::string slow_consumer_words() override { return last_event("slow_consumer"); }
  AfterLastWords after_slow_consumer_words() const override { return AfterLastWords::close; }

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
    if (this->closing()) return;
    const std::string& encoded = raw_ ? message->sse_raw : message->sse;
    bool queued;
    if (parts_.size() == 1) {
      queued = this->send(message, encoded);  // its id line is the message's cursor: shared bytes
    } else {
      parts_[feed.index] = message->cursor().to_string();
      std::size_t body_at = raw_ ? message->sse_raw_body_at : message->sse_body_at;
      std::string_view body = std::string_view(encoded).substr(body_at);
      std::string id = id_line();
      if (!this->writer().queue.fits(id.size() + body.size())) return this->drop_slow_consumer();
      queued = this->send(std::move(id)) && this->send(message, body);
    }
    if (queued) worker_.metrics().delivered(Delivery::sse);
  }

  void enqueue_gap(ChannelFeed& feed, const Gap& gap) {
    if (this->closing()) return;
    parts_[feed.index] = gap.continue_from.to_string();
    std::string event = id_line();
    sse::append_event_body(event, "gap", gap_to_json(gap));
    worker_.metrics().gap();
    this->send(std::move(event));
  }

  // Joins the presence of channel `index` (its feed has started, so the stream sees its own join); with
  // presence=true the answer is sent as a `presence` event, then the changes after it.
  void join_presence(std::size_t index) {
    std::string channel = feeds_[index]->channel();
    worker_.state().engine->join(worker_.id(), channel, presence_->client,
                                 [weak = this->weak_from_this(), index, channel](PresenceOutcome outcome) {
                                   auto self = weak.lock();
                                   if (outcome.status != EngineStatus::ok)
                                     spdlog::warn("presence of {} not joined: {}", channel, outcome.error);
                                   else if (self && !self->closing())
                                     self->on_presence_joined(index, outcome.clients);
                                 });
  }

  void on_presence_joined(std::size_t index, const PresenceClients& clients) {
    auto news = presence_view(index)->on_snapshot(clients);
    if (!presence_->events) return;
    std::string event;
    sse::append_event_body(event, "presence",
                           presence_reply_fields(feeds_[index]->channel(), presence_->client.id, clients));
    this->send(std::move(event));
    for (const auto& change : news) enqueue_presence_change(change);
    this->request_flush();
  }

  // A join or leave of another client as an event without an id line (it moves no cursor).
  void enqueue_presence_change(const PresenceEvent& change) {
    if (this->closing() || change.client.id == presence_->client.id) return;  // it is in the list
    std::string event;
    sse::append_event_body(event, presence_change_name(change.change), presence_event_json(change));
    this->send(std::move(event));
  }

  // Ends the stream with a last event that says why; the client reconnects and resumes.
  void end_stream(std::string_view reason) { this->end_with(last_event(reason), AfterLastWords::close); }

  std::string last_event(std::string_view reason) const {
    std::string last = sse::retry_field(worker_.config().sse_retry_ms);
    last.pop_back();  // the close event continues the block
    sse::append_event_body(last, "close", std::string(R"({"reason":")") + std::string(reason) + "\"}");
    return last;
  }

  std::vector<std::unique_ptr<ChannelFeed>> feeds_;
  std::vector<SubscriberSeat> seats_;
  std::vector<std::string> parts_;  // resume token part per channel
  std::size_t started_ = 0;
  std::vector<Held> held_;  // events that arrived before every channel had its start position
  Clock::time_point opened_;
  std::optional<std::chrono::system_clock::time_point> token_expires_;
  bool raw_;                            // format=raw: the payload itself as data
  bool resumed_ = false;                // the client gave a position to resume from
  std::unique_ptr<Presence> presence_;  // null: in no channel's presence
};

}  // namespace

template <typename Stream>
void start_sse_stream(Stream stream, Worker& worker, ConnectionSlot slot, SseParams params) {
  auto sse = std::make_shared<SseStream<Stream>>(std::move(stream), worker, std::move(slot), params);
  sse->start(std::move(params));
}

template void start_sse_stream<asio::ip::tcp::socket>(asio::ip::tcp::socket, Worker&, ConnectionSlot,
                                                      SseParams);
template void start_sse_stream<TlsStream>(TlsStream, Worker&, ConnectionSlot, SseParams);

}  // namespace herald
