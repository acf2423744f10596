// WebSocket sessions (see ws_session.hpp).
#include "transport/ws_session.hpp"

#include <spdlog/spdlog.h>

#include "protocol/ws/frame.hpp"
#include "protocol/ws/message_reader.hpp"
#include "runtime/stream_connection.hpp"
#include "session/client_session.hpp"

namespace herald::ws {
namespace asio = boost::asio;

namespace {

template <typename Stream>
class Session final : public StreamConnection<Stream>,
                      public ClientOutput,
                      public std::enable_shared_from_this<Session<Stream>> {
  using Base = StreamConnection<Stream>;
  using Base::worker_;
  using typename Base::AfterLastWords;
  using Clock = typename Base::Clock;

 public:
  Session(Stream stream, Worker& worker, ConnectionSlot slot, const SessionOptions& options)
      : Base(std::move(stream), worker, std::move(slot), Transport::ws),
        mode_(options.mode),
        deflate_(options.deflate),
        deflate_window_bits_(options.deflate_window_bits),
        reader_({worker.config().ws_max_message_bytes, options.deflate}),
        client_(worker, *this, *options.access, options.identity, options.rates),
        last_received_(Clock::now()),
        last_ping_(last_received_) {}

  // `handshake_response` is written first; `received` holds the bytes read after the handshake request.
  void start(std::string handshake_response, std::string received, const std::optional<ApiError>& refusal) {
    this->writer().queue.push(std::move(handshake_response), true);
    this->open();
    if (refusal) return fail(close_code::unauthorized, close_reason(*refusal));
    if (!received.empty()) on_received(received.data(), received.size());
  }

  void on_shutdown() override { fail(close_code::going_away, "server shutting down"); }

  // ClientOutput.
  void send_text(std::string json) override { queue_frame(server_frame(Opcode::text, json)); }

  void send_message(const MessagePtr& message) override {
    bool sent = deflate_ ? this->send(message, message->ws_deflated_frame(deflate_window_bits_))
                         : this->send(message, message->ws_frame);
    if (sent) worker_.metrics().delivered(Delivery::ws);
  }

  void output_ready() override { this->request_flush(); }

  std::shared_ptr<void> keep_alive() override { return this->shared_from_this(); }

 private:
  std::shared_ptr<Base> self() override { return this->shared_from_this(); }

  void on_received(char* data, std::size_t size) override {
    last_received_ = Clock::now();
    if (this->closing()) return await_close_reply(data, size);
    client_.release_retired();
    reader_.feed(data, size, [this](const ReadEvent& event) { return on_read(event); });
    this->flush();  // replies leave at once
  }

  void on_stream_tick(typename Clock::time_point now) override {
    client_.release_retired();
    const Config& config = worker_.config();
    if (now - last_received_ > config.ws_idle_timeout) return fail(close_code::going_away, "idle timeout");
    if (client_.token_expired(std::chrono::system_clock::now()))
      return fail(close_code::unauthorized, "token_expired");
    if (now - last_received_ >= config.ws_ping_interval && now - last_ping_ >= config.ws_ping_interval) {
      last_ping_ = now;
      queue_frame(server_frame(Opcode::ping, ""));
    }
  }

  void on_ending() override { client_.end(); }

  std::string slow_consumer_words() override {
    return server_frame(Opcode::close, close_payload(close_code::slow_consumer, "slow consumer"));
  }
  AfterLastWords after_slow_consumer_words() const override { return AfterLastWords::await_peer_close; }

  // Handles what the reader found; returns whether to go on reading.
  bool on_read(const ReadEvent& event) {
    switch (event.type) {
      case ReadEventType::message:
        on_message(event.opcode, event.payload);
        break;
      case ReadEventType::ping:
        queue_frame(server_frame(Opcode::pong, event.payload));
        break;
      case ReadEventType::pong:
        break;
      case ReadEventType::close:  // answered with the client's code; the client then ends TCP
        peer_sent_close_ = true;
        begin_close(event.code == close_code::no_status ? close_code::normal : event.code, "");
        break;
      case ReadEventType::failure:
        fail(event.code, event.reason);
        break;
    }
    return !this->closing();
  }

  // While herald's close frame waits or has gone out: the client's close frame completes the closing
  // handshake, so the connection ends as soon as herald's own close frame is written.
  void await_close_reply(char* data, std::size_t size) {
    if (peer_sent_close_ || reader_.ended()) return;
    reader_.feed(data, size, [this](const ReadEvent& event) {
      if (event.type == ReadEventType::close) {
        peer_sent_close_ = true;
        this->close_after_last_words();
      }
      return !peer_sent_close_;
    });
  }

  void on_message(Opcode opcode, std::string_view payload) {
    if (mode_ == Mode::echo) return queue_frame(server_frame(opcode, payload));
    if (opcode == Opcode::binary)
      return fail(close_code::unsupported_data, "binary frames are not supported");
    try {
      client_.run(payload);
    } catch (const std::exception& error) {
      spdlog::error("websocket command failed: {}", error.what());
      fail(close_code::internal_error, "internal error");
    }
  }

  // "code: message", cut to what a close frame carries (123 bytes, RFC 6455 section 5.5).
  static std::string close_reason(const ApiError& error) {
    std::string reason = error.code + ": " + error.message;
    if (reason.size() > 123) reason.resize(123);
    return reason;
  }

  void queue_frame(std::string frame) {
    if (this->send(std::move(frame))) this->request_flush();
  }

  // Closing: a close frame after whatever frame is on its way, nothing else; then TCP ends.
  void fail(std::uint16_t code, std::string_view reason) {
    if (code != close_code::going_away) spdlog::debug("websocket closed with {}: {}", code, reason);
    begin_close(code, reason);
  }

  void begin_close(std::uint16_t code, std::string_view reason) {
    // After the client's close frame the client waits for herald to end TCP (RFC 6455 section 7.1.1).
    auto after = peer_sent_close_ ? AfterLastWords::close : AfterLastWords::await_peer_close;
    this->end_with(server_frame(Opcode::close, close_payload(code, reason)), after);
  }

  Mode mode_;
  bool deflate_;
  int deflate_window_bits_;
  MessageReader reader_;
  ClientSession client_;
  typename Clock::time_point last_received_;
  typename Clock::time_point last_ping_;
  bool peer_sent_close_ = false;
};

}  // namespace

template <typename Stream>
void start_session(Stream stream, Worker& worker, ConnectionSlot slot, SessionOptions options) {
  std::make_shared<Session<Stream>>(std::move(stream), worker, std::move(slot), options)
      ->start(std::move(options.handshake_response), std::move(options.received), options.refusal);
}

template void start_session<asio::ip::tcp::socket>(asio::ip::tcp::socket, Worker&, ConnectionSlot,
                                                   SessionOptions);
template void start_session<TlsStream>(TlsStream, Worker&, ConnectionSlot, SessionOptions);

}  // namespace herald::ws
