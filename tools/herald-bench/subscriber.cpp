// Subscriber connection state machine (see subscriber.hpp).
#include "subscriber.hpp"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>

#include "clock.hpp"
#include "payload.hpp"
#include "sse_events.hpp"

namespace bench {
namespace {

constexpr int max_reads_per_event = 4;

bool is_longpoll_retry_status(int status) { return status == 304 || status == 408 || status == 204; }

}  // namespace

Subscriber::Subscriber(const SubscribeSettings& settings, const std::string& channel, std::uint64_t expected)
    : settings_(&settings),
      path_(expand_channel(settings.sub_path, channel)),
      ws_subscribe_(expand_channel(settings.ws_subscribe, channel)),
      tracker_(expected),
      rng_(std::hash<std::string>{}(channel) ^ static_cast<std::uint64_t>(realtime_ns())) {
  out_.reserve(512);
  cursor_.reserve(64);
  last_modified_.reserve(64);
  etag_.reserve(64);
}

std::uint32_t Subscriber::next_random() {  // xorshift64: masks and WebSocket keys, not security
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  return static_cast<std::uint32_t>(rng_ >> 16);
}

void Subscriber::open(LoopContext& ctx, std::uint32_t id) {
  ctx_ = &ctx;
  id_ = id;
  connect();
}

void Subscriber::connect() {
  fd_ = open_connection(settings_->target, true);
  if (fd_ < 0) return fail(fmt::format("connect: {}", std::strerror(errno)));
  state_ = State::connecting;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.u32 = id_;
  if (epoll_ctl(ctx_->epfd, EPOLL_CTL_ADD, fd_, &ev) != 0)
    return fail(fmt::format("epoll: {}", std::strerror(errno)));
  writing_ = true;
}

void Subscriber::watch(bool want_write) {
  if (want_write == writing_ || fd_ < 0) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (want_write ? EPOLLOUT : 0u);
  ev.data.u32 = id_;
  epoll_ctl(ctx_->epfd, EPOLL_CTL_MOD, fd_, &ev);
  writing_ = want_write;
}

void Subscriber::on_event(std::uint32_t events) {
  if (state_ == State::connecting) {
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) return fail(fmt::format("connect: {}", std::strerror(error)));
    if (!(events & EPOLLOUT)) return;
    on_connected();
  }
  if ((events & EPOLLOUT) && out_sent_ < out_.size()) flush();
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable();
}

void Subscriber::on_connected() {
  buf_.clear();
  ws_ = WsFrameDecoder{};
  write_request();
}

void Subscriber::write_request() {
  const std::string& host = settings_->target.host_header;
  out_.clear();
  out_sent_ = 0;
  auto out = std::back_inserter(out_);
  switch (settings_->transport) {
    case Transport::sse:
      fmt::format_to(
          out, "GET {} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n",
          path_, host);
      break;
    case Transport::ws:
      fmt::format_to(out,
                     "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: {}\r\nSec-WebSocket-Version: 13\r\n\r\n",
                     path_, host, websocket_key(rng_, next_random() * 0x9E3779B97F4A7C15ull));
      break;
    case Transport::longpoll: {
      char sep = path_.find('?') == std::string::npos ? '?' : '&';
      if (settings_->lp_style == LongPollStyle::herald) {
        // The first poll only learns the channel's position (timeout=0 answers at once); later ones wait.
        if (cursor_.empty())
          fmt::format_to(out, "GET {}{}timeout=0 HTTP/1.1\r\nHost: {}\r\n\r\n", path_, sep, host);
        else
          fmt::format_to(out, "GET {}{}since={} HTTP/1.1\r\nHost: {}\r\n\r\n", path_, sep, cursor_, host);
      } else {
        fmt::format_to(out, "GET {} HTTP/1.1\r\nHost: {}\r\n", path_, host);
        if (!last_modified_.empty()) fmt::format_to(out, "If-Modified-Since: {}\r\n", last_modified_);
        if (!etag_.empty()) fmt::format_to(out, "If-None-Match: {}\r\n", etag_);
        out_.append("\r\n");
      }
      break;
    }
  }
  state_ = State::head;
  flush();
  // Nchan long polling starts from the oldest buffered message: subscribed once the request is out.
  if (settings_->transport == Transport::longpoll && settings_->lp_style == LongPollStyle::nchan && fd_ >= 0)
    mark_ready();
}

void Subscriber::flush() {
  while (out_sent_ < out_.size()) {
    ssize_t n = send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
    if (n > 0) {
      out_sent_ += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (errno == EAGAIN) return watch(true);
    } else {
      return fail(fmt::format("send: {}", std::strerror(errno)));
    }
  }
  out_.clear();
  out_sent_ = 0;
  watch(false);
}

void Subscriber::on_readable() {
  for (int i = 0; i < max_reads_per_event && fd_ >= 0; ++i) {
    auto space = buf_.writable();
    if (space.empty()) return fail("message larger than the receive buffer bound");
    ssize_t n = recv(fd_, space.data(), space.size(), 0);
    if (n > 0) {
      buf_.commit(static_cast<std::size_t>(n));
      process(realtime_ns());
      if (static_cast<std::size_t>(n) < space.size()) return;
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      return on_eof();
    } else if (errno == EAGAIN) {
      return;
    }
  }
}

void Subscriber::on_eof() {
  if (state_ == State::failed || state_ == State::closed) return;
  bool between_polls = settings_->transport == Transport::longpoll && ready_ && state_ == State::head &&
                       out_.empty() && buf_.raw().empty();
  if (settings_->transport == Transport::longpoll && ready_) {
    // Long polling does not depend on one connection: reopen and poll again from the same position.
    if (!between_polls) ++ctx_->reconnects;
    close_fd();
    connect();
    return;
  }
  fail("connection closed by the server");
}

void Subscriber::process(std::int64_t now) {
  if (state_ == State::head) process_head();
  if (state_ == State::streaming && settings_->transport == Transport::sse) process_sse(now);
  if (state_ == State::streaming && settings_->transport == Transport::ws) process_ws(now);
  if (state_ == State::lp_body) process_longpoll(now);
}

void Subscriber::process_head() {
  auto status = parse_response_head(buf_, head_);
  if (status == ParseStatus::need_more) return;
  if (status == ParseStatus::error) return fail("malformed response head");
  switch (settings_->transport) {
    case Transport::sse:
      if (head_.status != 200) return fail(fmt::format("SSE subscribe answered {}", head_.status));
      body_.start(head_, false);
      state_ = State::streaming;
      if (settings_->sse_ready == SseReady::headers) mark_ready();
      return;
    case Transport::ws:
      if (head_.status != 101) return fail(fmt::format("WebSocket upgrade answered {}", head_.status));
      state_ = State::streaming;
      if (ws_subscribe_.empty()) return mark_ready();
      append_client_frame(out_, ws_opcode::text, ws_subscribe_, next_random());
      return flush();
    case Transport::longpoll:
      if (head_.status != 200 && !is_longpoll_retry_status(head_.status))
        return fail(fmt::format("long poll answered {}", head_.status));
      remember_position();
      body_.start(head_, head_.status == 304 || head_.status == 204);
      state_ = State::lp_body;
      return;
  }
}

void Subscriber::process_sse(std::int64_t now) {
  if (body_.decode(buf_) == ParseStatus::error) return fail("bad chunked encoding");
  std::size_t used = for_each_sse_event(buf_.body(), [&](std::string_view event) {
    if (!ready_ && has_id_field(event)) mark_ready();
    deliver(event, now);
  });
  buf_.consume_body(used);
}

void Subscriber::process_ws(std::int64_t now) {
  WsEvent event;
  while (fd_ >= 0) {
    auto status = ws_.next(buf_, event);
    if (status == ParseStatus::need_more) return;
    if (status == ParseStatus::error) return disconnect("WebSocket protocol error from the server");
    handle_ws_event(event, now);
    ws_.release(buf_);
  }
}

void Subscriber::handle_ws_event(const WsEvent& event, std::int64_t now) {
  switch (event.opcode) {
    case ws_opcode::text:
    case ws_opcode::binary:
      if (!ready_) {  // the answer to the subscribe message
        if (event.payload.find(R"("ok":false)") != std::string_view::npos)
          return fail(fmt::format("subscribe refused: {}", event.payload.substr(0, 200)));
        mark_ready();
      }
      deliver(event.payload, now);
      return;
    case ws_opcode::ping:
      append_client_frame(out_, ws_opcode::pong, event.payload, next_random());
      return flush();
    case ws_opcode::close:
      append_client_frame(out_, ws_opcode::close, event.payload.substr(0, 2), next_random());
      flush();
      return fail("WebSocket closed by the server");
    default:
      return;
  }
}

void Subscriber::process_longpoll(std::int64_t now) {
  auto status = body_.decode(buf_);
  if (status == ParseStatus::error) return fail("bad long-poll body framing");
  if (status == ParseStatus::done) finish_poll(now);
}

void Subscriber::remember_position() {
  if (settings_->lp_style != LongPollStyle::nchan || head_.status != 200) return;
  last_modified_.assign(head_.last_modified);
  etag_.assign(head_.etag);
}

void Subscriber::finish_poll(std::int64_t now) {
  std::string_view body = buf_.body();
  if (head_.status == 200) {
    if (std::size_t messages = deliver(body, now); messages > 0) {
      ++ctx_->poll_answers;
      ctx_->poll_messages += messages;
    }
    if (settings_->lp_style == LongPollStyle::herald) {
      constexpr std::string_view key = R"("cursor":")";
      auto at = body.rfind(key);  // the response's own cursor follows the messages array
      if (at != std::string_view::npos) {
        auto value = body.substr(at + key.size());
        cursor_.assign(value.substr(0, value.find('"')));
      }
    }
  }
  buf_.consume_body(body.size());
  if (!ready_ && !cursor_.empty()) mark_ready();
  if (settings_->lp_style == LongPollStyle::herald && cursor_.empty())
    return fail("long poll answered without a cursor");
  if (head_.connection_close) {
    close_fd();
    return connect();
  }
  write_request();
}

std::size_t Subscriber::deliver(std::string_view text, std::int64_t now) {
  std::size_t messages = 0;
  scan_stamps(text, [&](const Stamp& stamp) {
    ++messages;
    if (tracker_.record(stamp.seq)) ctx_->record_latency(now, stamp.sent_ns);
  });
  return messages;
}

void Subscriber::mark_ready() {
  if (ready_) return;
  ready_ = true;
  ++ctx_->ready;
}

void Subscriber::fail(const std::string& why) {
  if (finished()) return;
  if (ready_) return disconnect(why);
  ++ctx_->failed;
  ctx_->note_error(why);
  close_fd();
  state_ = State::failed;
}

void Subscriber::disconnect(const std::string& why) {
  if (finished()) return;
  ++ctx_->disconnects;
  ctx_->note_error(why);
  close_fd();
  state_ = State::closed;
}

void Subscriber::close_fd() {
  if (fd_ < 0) return;
  close(fd_);  // also leaves the epoll set
  fd_ = -1;
  writing_ = false;
}

void Subscriber::close_now() {
  if (fd_ >= 0) {
    linger abort{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  }
  close_fd();
  if (!finished()) state_ = State::closed;
}

}  // namespace bench
