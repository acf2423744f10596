// The base of every long-lived streaming connection (SSE streams, WebSocket sessions): it owns the
// client's stream once the HTTP exchange is over and does what every streaming transport needs —
// registry and metrics bookkeeping, the bounded outbound queue and its corked writes, reading into the
// worker's scratch space (so an idle connection holds no read buffer), the slow-consumer drop, the stall
// check, and an orderly end: last words written after whatever frame or event is already on its way,
// then the socket closed (or half-closed to let the peer close first). Written over the stream type;
// every use of the socket under it goes through socket_of() (runtime/socket_of.hpp). A TLS stream is
// read with asynchronous reads into a small buffer of its own (is_tls_stream), since OpenSSL may hold
// bytes the socket no longer shows; its writes go through the TLS stream like any other.
#pragma once
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/connection_slot.hpp"
#include "runtime/queued_writer.hpp"
#include "runtime/socket_of.hpp"
#include "runtime/worker.hpp"

namespace herald {

template <typename Stream>
class StreamConnection : public Connection, public Flushable {
 public:
  using Clock = std::chrono::steady_clock;
  // How a stream ends once its last words are written.
  enum class AfterLastWords {
    close,             // close the connection (SSE: the response is over)
    await_peer_close,  // half-close and give the peer kCloseLinger to close its side (WebSocket)
  };
  // How long a half-closed connection waits for the peer to close before closing anyway.
  static constexpr auto kCloseLinger = std::chrono::seconds(3);
  // Reads done in one turn before other connections of the worker get theirs, so that a client that
  // sends without pause cannot starve them (each read takes up to the worker's 64 KiB scratch space).
  static constexpr int kReadsPerTurn = 4;

  StreamConnection(Stream stream, Worker& worker, ConnectionSlot slot, Transport transport)
      : stream_(std::move(stream)),
        worker_(worker),
        writer_(worker.config().queue_bytes),
        slot_(std::move(slot)),
        transport_(transport) {}
  ~StreamConnection() { worker_.connections().remove(*this); }
  StreamConnection(const StreamConnection&) = delete;
  StreamConnection& operator=(const StreamConnection&) = delete;

  void on_tick(Clock::time_point now) final {
    if (closed_) return;
    if (writer_.stalled(now)) return closing_ ? abort() : drop_slow_consumer();
    if (closing_) {
      if (half_closed_ && now - half_closed_since_ > kCloseLinger) close();
      return;
    }
    on_stream_tick(now);
  }

  void flush_now() final {
    writer_.flush_request_served();
    flush();
  }

 protected:
  // The shared owner of this connection, kept alive by every handler in flight.
  virtual std::shared_ptr<StreamConnection> self() = 0;
  // Bytes the client sent (in the worker's scratch space, valid during the call), also while the stream
  // is ending (closing()).
  virtual void on_received(char* data, std::size_t size) = 0;
  // Every Worker::kTickInterval while the stream is open: heartbeats, pings, lifetimes.
  virtual void on_stream_tick(Clock::time_point) {}
  // The stream begins to end (or is closed at once): stop what feeds it.
  virtual void on_ending() {}
  // The last words for a client that reads too slowly, and how the stream ends after them.
  virtual std::string slow_consumer_words() = 0;
  virtual AfterLastWords after_slow_consumer_words() const = 0;

  // Registers the connection, writes what is queued and starts reading.
  void open() {
    worker_.connections().add(*this);
    worker_.metrics().connection_opened(transport_);
    if constexpr (!is_tls_stream<Stream>) {
      boost::system::error_code ignored;
      socket_of(stream_).non_blocking(true, ignored);
    }
    flush();
    wait_readable();
  }

  // Queues bytes of a shared message; a full queue drops the client as a slow consumer (false).
  bool send(MessagePtr owner, std::string_view bytes) {
    if (closing_) return false;
    if (writer_.queue.push(std::move(owner), bytes)) return true;
    drop_slow_consumer();
    return false;
  }
  bool send(std::string bytes) {
    if (closing_) return false;
    if (writer_.queue.push(std::move(bytes))) return true;
    drop_slow_consumer();
    return false;
  }
  bool send_static(std::string_view bytes) {
    if (closing_) return false;
    if (writer_.queue.push_static(bytes)) return true;
    drop_slow_consumer();
    return false;
  }

  // Writes at the end of this round of work, together with whatever else is queued meanwhile.
  void request_flush() {
    if (!closed_) writer_.request_flush(worker_, self());
  }

  // Holds everything queued until release_output(): an SSE stream's response head waits until the stream
  // has its start position, so that a client that sees it is subscribed. Last words release it.
  void hold_output() { output_held_ = true; }
  void release_output() {
    output_held_ = false;
    request_flush();
  }

  // Writes now (one write at a time; the next one starts when it ends).
  void flush() {
    if (closed_ || output_held_ || writer_.queue.writing()) return;
    if (closing_ && writer_.queue.empty()) return last_words_written();
    writer_.flush(stream_, self(), &StreamConnection::on_written);
  }

  // Ends the stream: nothing more is sent but `last_words`, which follow the rest of any frame or
  // event already begun.
  void end_with(std::string last_words, AfterLastWords after) {
    if (closing_ || closed_) return;
    closing_ = true;
    output_held_ = false;
    after_ = after;
    on_ending();
    writer_.queue.push(std::move(last_words), true);
    flush();
  }

  // The peer has ended its side of the exchange (a WebSocket close reply): the connection closes as soon
  // as the last words are written, or now if they are.
  void close_after_last_words() {
    after_ = AfterLastWords::close;
    if (half_closed_) close();
  }

  // The client reads slower than messages arrive: what it has not started to receive is dropped, and
  // it is told so; it reconnects and resumes from its cursor.
  void drop_slow_consumer() {
    if (closing_ || closed_) return;
    worker_.metrics().slow_consumer();
    spdlog::info("{} connection closed: slow consumer ({} bytes queued, limit {})", transport_name(),
                 writer_.queue.queued_bytes(), worker_.config().queue_bytes);
    if (!output_held_) writer_.queue.drop_unwritten();  // held output has the response head, unwritten
    end_with(slow_consumer_words(), after_slow_consumer_words());
  }

  // Closes the connection now.
  void close() {
    if (closed_) return;
    closed_ = true;
    if (!closing_) {
      closing_ = true;
      on_ending();
    }
    worker_.connections().remove(*this);
    worker_.metrics().connection_closed(transport_);
    boost::system::error_code ignored;
    socket_of(stream_).shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_of(stream_).close(ignored);
  }

  bool closing() const { return closing_; }
  bool closed() const { return closed_; }
  QueuedWriter& writer() { return writer_; }

  Stream stream_;
  Worker& worker_;

 private:
  void on_written(boost::system::error_code error) {
    if (error) return close();
    flush();
  }

  void last_words_written() {
    if (after_ == AfterLastWords::close) return close();
    if (half_closed_) return;
    half_closed_ = true;
    half_closed_since_ = Clock::now();
    boost::system::error_code ignored;
    socket_of(stream_).shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  }

  // A client that takes nothing for the stall limit while its last words wait: reset the connection,
  // so that it sees an error rather than a clean end after a cut frame.
  void abort() {
    boost::system::error_code ignored;
    socket_of(stream_).set_option(boost::asio::socket_base::linger(true, 0), ignored);
    close();
  }

  // The socket turning readable means bytes or the end of the connection; they are read into the
  // worker's scratch space, so that no connection holds a read buffer while it waits. A TLS stream reads
  // asynchronously into its own buffer instead (one read a turn).
  void wait_readable() {
    if constexpr (is_tls_stream<Stream>) return read_tls();
    socket_of(stream_).async_wait(boost::asio::ip::tcp::socket::wait_read,
                                  [self = self()](boost::system::error_code error) {
                                    if (error) return self->close();
                                    self->read_available();
                                  });
  }

  void read_available() {
    for (int turn = 0; turn < kReadsPerTurn && !closed_; ++turn) {
      boost::system::error_code error;
      std::size_t n =
          stream_.read_some(boost::asio::buffer(worker_.scratch(), worker_.scratch_size()), error);
      if (error == boost::asio::error::would_block) break;
      if (error) return close();  // the end of the connection, or a failure
      on_received(worker_.scratch(), n);
    }
    if (!closed_) wait_readable();
  }

  void read_tls() {
    if (!tls_buffer_) tls_buffer_ = std::make_unique<std::array<char, kTlsReadBytes>>();
    stream_.async_read_some(boost::asio::buffer(*tls_buffer_),
                            [self = self()](boost::system::error_code error, std::size_t n) {
                              auto& connection = *self;
                              if (connection.closed_) return;
                              if (error) return connection.close();
                              connection.on_received(connection.tls_buffer_->data(), n);
                              if (!connection.closed_) connection.read_tls();
                            });
  }

  const char* transport_name() const { return transport_ == Transport::sse ? "sse" : "websocket"; }

  // What one TLS read takes at most: clients send little after their request (WebSocket commands, pongs),
  // and every TLS connection already holds Asio's and OpenSSL's record buffers.
  static constexpr std::size_t kTlsReadBytes = 4 * 1024;

  QueuedWriter writer_;
  std::unique_ptr<std::array<char, kTlsReadBytes>> tls_buffer_;  // TLS streams only
  ConnectionSlot slot_;
  Transport transport_;
  AfterLastWords after_ = AfterLastWords::close;
  bool closing_ = false;
  bool closed_ = false;
  bool half_closed_ = false;
  bool output_held_ = false;
  Clock::time_point half_closed_since_;
};

}  // namespace herald
