// WebSocket sessions (see ws_session.hpp).
#include "transport/ws_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/core/tcp_stream.hpp>

#include "auth/publish_policy.hpp"
#include "engine/engine_async.hpp"
#include "protocol/http/poll_api.hpp"
#include "protocol/ws/commands.hpp"
#include "protocol/ws/frame.hpp"
#include "protocol/ws/message_reader.hpp"
#include "pubsub/channel_feed.hpp"
#include "runtime/queued_writer.hpp"
#include "runtime/socket_of.hpp"

namespace herald::ws {
namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;

namespace {

// How long a closing connection waits for the client to end TCP after the close frames.
constexpr auto kCloseLinger = std::chrono::seconds(3);
// Reads done in one go before other connections get their turn.
constexpr int kReadsPerTurn = 4;

template <typename Stream>
class Session final : public Connection,
                      public FeedSink,
                      public Flushable,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, Worker& worker, ConnectionSlot slot, SessionOptions options)
      : stream_(std::move(stream)),
        worker_(worker),
        slot_(std::move(slot)),
        mode_(options.mode),
        deflate_(options.deflate),
        deflate_window_bits_(options.deflate_window_bits),
        reader_({worker.config().ws_max_message_bytes, options.deflate}),
        writer_(worker.config().queue_bytes),
        last_received_(Clock::now()),
        last_ping_(last_received_) {
    writer_.queue.push(std::move(options.handshake_response), true);
  }

  // `received`: the bytes read after the handshake request.
  void start(std::string received) {
    worker_.connections().add(*this);
    worker_.metrics().connection_opened(Transport::ws);
    boost::system::error_code ignored;
    socket().non_blocking(true, ignored);
    flush();
    if (!received.empty()) read_frames(received.data(), received.size());
    wait_readable();
  }

  void on_shutdown() override { fail(close_code::going_away, "server shutting down"); }

  void on_tick(Clock::time_point now) override {
    retired_.clear();
    if (closed_) return;
    if (closing_) {
      if (now - closing_since_ > kCloseLinger) close_socket();
      return;
    }
    if (writer_.stalled(now)) return slow_consumer();
    const Config& config = worker_.config();
    if (now - last_received_ > config.ws_idle_timeout) return fail(close_code::going_away, "idle timeout");
    if (now - last_received_ >= config.ws_ping_interval && now - last_ping_ >= config.ws_ping_interval) {
      last_ping_ = now;
      send_control(Opcode::ping, "");
    }
  }

  // FeedSink: subscriptions.
  void on_feed_started(ChannelFeed& feed) override {
    auto it = find_subscription(feed.channel());
    if (it == subscriptions_.end()) return;
    send_text(subscribe_reply(it->reply_id, feed.channel(), feed.position(), feed.recovered()));
    std::string().swap(it->reply_id);  // answered: an idle subscription keeps no more than it needs
  }

  void on_feed_message(ChannelFeed&, const MessagePtr& message) override {
    if (closing_) return;
    bool queued = deflate_ ? writer_.queue.push(message, message->ws_deflated_frame(deflate_window_bits_))
                           : writer_.queue.push(message, message->ws_frame);
    if (!queued) return slow_consumer();
    worker_.metrics().delivered(Delivery::ws);
  }

  void on_feed_gap(ChannelFeed&, const Gap& gap) override {
    worker_.metrics().gap();
    send_text(gap_push(gap));
  }

  void on_feed_ready(ChannelFeed&) override { request_flush(); }

  void on_feed_failed(ChannelFeed& feed, const std::string& reason) override {
    auto it = find_subscription(feed.channel());
    if (it == subscriptions_.end()) return;
    send_text(error_reply(it->reply_id, unavailable_error(reason)));
    retire(it);
  }

 private:
  struct Subscription {
    std::unique_ptr<ChannelFeed> feed;
    std::string reply_id;
  };

  auto& socket() { return socket_of(stream_); }

  // Ends a subscription. Its feed may be running the callback that got us here, so it is only stopped
  // now and destroyed later, outside any feed callback.
  using Subscriptions = std::vector<Subscription>;  // few per connection: a vector is smallest and fast

  typename Subscriptions::iterator find_subscription(const std::string& channel) {
    return std::find_if(subscriptions_.begin(), subscriptions_.end(),
                        [&](const Subscription& s) { return s.feed->channel() == channel; });
  }

  void retire(typename Subscriptions::iterator it) {
    it->feed->stop();
    retired_.push_back(std::move(it->feed));
    subscriptions_.erase(it);
  }

  void retire_all() {
    while (!subscriptions_.empty()) retire(subscriptions_.end() - 1);
  }

  // Reading: wait until the socket is readable, then read into the worker's scratch space, so an idle
  // connection holds no read buffer.
  void wait_readable() {
    socket().async_wait(asio::ip::tcp::socket::wait_read,
                        [self = this->shared_from_this()](boost::system::error_code error) {
                          if (error) return self->close_socket();
                          self->read_available();
                        });
  }

  void read_available() {
    retired_.clear();
    for (int turn = 0; turn < kReadsPerTurn && !closed_; ++turn) {
      boost::system::error_code error;
      std::size_t n = stream_.read_some(asio::buffer(worker_.scratch(), worker_.scratch_size()), error);
      if (error == asio::error::would_block) break;
      if (error) return close_socket();
      last_received_ = Clock::now();
      if (draining_) continue;  // after our close frame only the end of the connection matters
      read_frames(worker_.scratch(), n);
      flush();
    }
    if (!closed_) wait_readable();
  }

  // Hands the client's bytes to the reader, which keeps the start of an incomplete frame.
  void read_frames(char* data, std::size_t size) {
    if (closing_) return;
    reader_.feed(data, size, [this](const ReadEvent& event) { return on_read(event); });
  }

  // Handles what the reader found; returns whether to go on reading.
  bool on_read(const ReadEvent& event) {
    switch (event.type) {
      case ReadEventType::message:
        on_message(event.opcode, event.payload);
        break;
      case ReadEventType::ping:
        send_control(Opcode::pong, event.payload);
        break;
      case ReadEventType::pong:
        break;
      case ReadEventType::close:  // answered with the client's code
        begin_close(event.code == close_code::no_status ? close_code::normal : event.code, "");
        break;
      case ReadEventType::failure:
        fail(event.code, event.reason);
        break;
    }
    return !closing_;
  }

  void on_message(Opcode opcode, std::string_view payload) {
    if (mode_ == Mode::echo) return queue_frame(server_frame(opcode, payload));
    if (opcode == Opcode::binary)
      return fail(close_code::unsupported_data, "binary frames are not supported");
    try {
      run_command(payload);
    } catch (const std::exception& error) {
      spdlog::error("websocket command failed: {}", error.what());
      fail(close_code::internal_error, "internal error");
    }
  }

  // herald.v1 commands.
  void run_command(std::string_view text) {
    PublishLimits limits{worker_.config().max_message_bytes, 1};
    auto parsed = parse_command(text, limits);
    if (auto* error = std::get_if<CommandError>(&parsed))
      return send_text(error_reply(error->id, error->error));
    Command& command = std::get<Command>(parsed);
    switch (command.op) {
      case Op::ping:
        return send_text(ok_reply(command.id));
      case Op::subscribe:
        return subscribe(command);
      case Op::unsubscribe:
        return unsubscribe(command);
      case Op::publish:
        return publish(command);
      case Op::history:
        return history(command);
    }
  }

  void subscribe(Command& command) {
    if (find_subscription(command.channel) != subscriptions_.end())
      return send_text(error_reply(command.id, {http::status::bad_request, "already_subscribed",
                                                "already subscribed to " + command.channel}));
    if (subscriptions_.size() >= worker_.config().ws_max_channels)
      return send_text(
          error_reply(command.id, {http::status::bad_request, "too_many_channels",
                                   "a connection subscribes to at most " +
                                       std::to_string(worker_.config().ws_max_channels) + " channels"}));
    auto feed = std::make_unique<ChannelFeed>(worker_.hub(), command.channel, *this);
    ChannelFeed& started = *feed;
    subscriptions_.push_back(Subscription{std::move(feed), command.id});
    started.start(std::move(command.since));
  }

  void unsubscribe(const Command& command) {
    auto it = find_subscription(command.channel);
    if (it == subscriptions_.end())
      return send_text(error_reply(
          command.id, {http::status::bad_request, "not_subscribed", "not subscribed to " + command.channel}));
    if (!it->feed->started())  // its subscribe is still waiting for a reply: it gets one now
      send_text(error_reply(it->reply_id, {http::status::bad_request, "cancelled",
                                           "unsubscribed before the subscription started"}));
    retire(it);
    send_text(ok_reply(command.id));
  }

  bool may_publish(const std::string& channel) const { return may_client_publish(worker_.config(), channel); }

  void publish(Command& command) {
    if (!may_publish(command.channel))
      return send_text(error_reply(command.id, {http::status::forbidden, "forbidden",
                                                "clients may not publish to " + command.channel}));
    std::string channel = command.channel;
    auto started = Clock::now();
    worker_.state().engine->publish(
        worker_.id(), std::move(command.publish),
        [self = this->shared_from_this(), id = command.id, channel, started](PublishOutcome outcome) {
          if (outcome.status != EngineStatus::ok)
            return self->send_text(error_reply(id, unavailable_error(outcome.error)));
          if (!outcome.duplicate) self->worker_.metrics().published();
          self->worker_.metrics().publish_duration(
              std::chrono::duration<double>(Clock::now() - started).count());
          self->send_text(ok_reply(id, publish_result_json(channel, outcome)));
        });
  }

  void history(Command& command) {
    HistoryRequest request{command.channel, std::move(command.since), command.limit};
    worker_.state().engine->history(
        worker_.id(), std::move(request),
        [self = this->shared_from_this(), id = command.id,
         channel = command.channel](HistoryOutcome outcome) {
          if (outcome.status != EngineStatus::ok)
            return self->send_text(error_reply(id, unavailable_error(outcome.error)));
          self->worker_.metrics().delivered(Delivery::history, outcome.messages.size());
          if (outcome.gap) self->worker_.metrics().gap();
          self->send_text(ok_reply(
              id, poll_response_json(channel, outcome.messages, outcome.cursor, outcome.gap, outcome.more)));
        });
  }

  // Writing.
  void send_text(std::string text) { queue_frame(server_frame(Opcode::text, text)); }

  void send_control(Opcode opcode, std::string_view payload) { queue_frame(server_frame(opcode, payload)); }

  void queue_frame(std::string frame) {
    if (closing_) return;
    if (!writer_.queue.push(std::move(frame))) return slow_consumer();
    request_flush();
  }

  void flush_now() override {
    writer_.flush_request_served();
    flush();
  }

  // Writes at the end of this round of work, together with whatever else arrives meanwhile.
  void request_flush() {
    if (!closed_) writer_.request_flush(worker_, this->shared_from_this());
  }

  void flush() {
    if (closed_) return;
    writer_.flush(stream_, this->shared_from_this(), &Session::on_written);
  }

  void on_written(boost::system::error_code error) {
    if (error) return close_socket();
    if (closing_ && writer_.queue.empty()) return finish_close();
    flush();
  }

  // Closing: send a close frame, stop sending anything else, then end TCP once it is written.
  void fail(std::uint16_t code, std::string_view reason) {
    if (code != close_code::going_away) spdlog::debug("websocket closed with {}: {}", code, reason);
    begin_close(code, reason);
  }

  void slow_consumer() {
    if (closing_) return;
    worker_.metrics().slow_consumer();
    spdlog::info("websocket closed: slow consumer ({} bytes queued)", writer_.queue.queued_bytes());
    writer_.queue.drop_unwritten();
    begin_close(close_code::slow_consumer, "slow consumer");
  }

  void begin_close(std::uint16_t code, std::string_view reason) {
    if (closing_ || closed_) return;
    closing_ = true;
    closing_since_ = Clock::now();
    retire_all();
    writer_.queue.push(server_frame(Opcode::close, close_payload(code, reason)), true);
    if (!writer_.queue.writing()) flush();
  }

  // Our close frame is written: half-close and wait (briefly) for the client to end the connection.
  void finish_close() {
    if (draining_) return;
    draining_ = true;
    boost::system::error_code ignored;
    socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }

  void close_socket() {
    if (closed_) return;
    closed_ = true;
    closing_ = true;
    retire_all();
    worker_.connections().remove(*this);
    worker_.metrics().connection_closed(Transport::ws);
    boost::system::error_code ignored;
    socket().close(ignored);
  }

  Stream stream_;
  Worker& worker_;
  ConnectionSlot slot_;
  Mode mode_;
  bool deflate_;
  int deflate_window_bits_;
  MessageReader reader_;
  QueuedWriter writer_;
  Subscriptions subscriptions_;
  std::vector<std::unique_ptr<ChannelFeed>> retired_;
  Clock::time_point last_received_;
  Clock::time_point last_ping_;
  Clock::time_point closing_since_;
  bool closing_ = false;
  bool draining_ = false;
  bool closed_ = false;
};

}  // namespace

template <typename Stream>
void start_session(Stream stream, Worker& worker, ConnectionSlot slot, SessionOptions options) {
  std::string received = std::move(options.received);
  std::make_shared<Session<Stream>>(std::move(stream), worker, std::move(slot), std::move(options))
      ->start(std::move(received));
}

template void start_session<asio::ip::tcp::socket>(asio::ip::tcp::socket, Worker&, ConnectionSlot,
                                                   SessionOptions);

}  // namespace herald::ws
