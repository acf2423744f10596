// One subscriber connection: a small state machine over a non-blocking socket driven by its thread's
// epoll loop. It sends the subscribe request (SSE GET, WebSocket upgrade + optional subscribe message, or
// long-poll GETs that carry the position: herald's since=cursor or Nchan's If-Modified-Since/If-None-Match),
// decodes what arrives in place and hands every (s, t) found to its sequence tracker and the thread's
// latency samples.
#pragma once

#include <cstdint>
#include <string>

#include "http_response.hpp"
#include "loop_context.hpp"
#include "options.hpp"
#include "recv_buffer.hpp"
#include "sequence_tracker.hpp"
#include "target.hpp"
#include "ws_frame.hpp"

namespace bench {

struct SubscribeSettings {
  Target target;
  Transport transport = Transport::sse;
  LongPollStyle lp_style = LongPollStyle::herald;
  SseReady sse_ready = SseReady::id;
  std::string sub_path;      // template
  std::string ws_subscribe;  // template, "" = none
};

class Subscriber {
 public:
  Subscriber(const SubscribeSettings& settings, const std::string& channel, std::uint64_t expected);
  Subscriber(Subscriber&&) = default;

  void open(LoopContext& ctx, std::uint32_t id);
  void on_event(std::uint32_t events);
  void close_now();  // abortive close (RST): no TIME_WAIT pile-up across runs

  bool ready() const { return ready_; }
  bool finished() const { return state_ == State::failed || state_ == State::closed; }
  const SequenceTracker& tracker() const { return tracker_; }

 private:
  enum class State { idle, connecting, head, streaming, lp_body, failed, closed };

  void connect();
  void on_connected();
  void write_request();
  void flush();
  void watch(bool want_write);
  void on_readable();
  void on_eof();
  void process(std::int64_t now);
  void process_head();
  void process_sse(std::int64_t now);
  void process_ws(std::int64_t now);
  void handle_ws_event(const WsEvent& event, std::int64_t now);
  void process_longpoll(std::int64_t now);
  void finish_poll(std::int64_t now);
  void remember_position();
  // Returns how many messages `text` carries.
  std::size_t deliver(std::string_view text, std::int64_t now);
  void mark_ready();
  void fail(const std::string& why);
  void disconnect(const std::string& why);
  void close_fd();
  std::uint32_t next_random();

  const SubscribeSettings* settings_;
  LoopContext* ctx_ = nullptr;
  std::uint32_t id_ = 0;
  std::string path_;
  std::string ws_subscribe_;
  int fd_ = -1;
  State state_ = State::idle;
  bool ready_ = false;
  bool writing_ = false;
  RecvBuffer buf_;
  ResponseHead head_;
  BodyDecoder body_;
  WsFrameDecoder ws_;
  std::string out_;
  std::size_t out_sent_ = 0;
  SequenceTracker tracker_;
  std::string cursor_;         // herald long polling: since=
  std::string last_modified_;  // Nchan long polling
  std::string etag_;
  std::uint64_t rng_;
};

}  // namespace bench
