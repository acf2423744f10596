// HTTP sessions (see http_session.hpp).
#include "transport/http_session.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>

#include "auth/client_rates.hpp"
#include "auth/presence_info.hpp"
#include "auth/publish_policy.hpp"
#include "protocol/http/api_error.hpp"
#include "protocol/http/cors.hpp"
#include "protocol/http/forwarded_for.hpp"
#include "protocol/http/request_head.hpp"
#include "protocol/http/response_head.hpp"
#include "protocol/http/router.hpp"
#include "protocol/presence_json.hpp"
#include "protocol/ws/handshake.hpp"
#include "runtime/socket_of.hpp"
#include "session/client_id.hpp"
#include "session/subscriber_seats.hpp"
#include "transport/api_handlers.hpp"
#include "transport/longpoll.hpp"
#include "transport/sse_stream.hpp"
#include "transport/ws_session.hpp"

namespace herald {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto tuple_awaitable = asio::as_tuple(use_awaitable);

namespace {

// The answer to a plain HTTP request on a port that speaks TLS.
constexpr std::string_view kTlsRequiredBody =
    R"({"error":{"code":"tls_required","message":"this port speaks TLS: use https:// or wss://"}})";
constexpr std::string_view kTlsRequiredHead =
    "HTTP/1.1 400 Bad Request\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 90\r\n"
    "Connection: close\r\n"
    "\r\n";
static_assert(kTlsRequiredBody.size() == 90);

// How long a TLS connection that ends waits for the client to answer herald's close_notify.
constexpr auto kTlsCloseWait = std::chrono::seconds(1);
// How long a connection that herald ends after an answer keeps reading (and dropping) what the client
// still sends, so that closing does not reset the connection before the client has read the answer.
constexpr auto kLingerTime = std::chrono::seconds(2);
// What one read of a request takes at most (the buffer grows to hold a larger one).
constexpr std::size_t kReadSize = 4096;

template <typename Stream>
class HttpSession final : public Connection, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream stream, Worker& worker, ConnectionSlot slot, const Access& access)
      : stream_(std::move(stream)), worker_(worker), slot_(std::move(slot)), access_(access) {
    worker_.connections().add(*this);
    worker_.metrics().connection_opened(Transport::http);
  }

  ~HttpSession() {
    worker_.connections().remove(*this);
    worker_.metrics().connection_closed(Transport::http);
  }

  void start() { asio::co_spawn(worker_.context(), run(this->shared_from_this()), asio::detached); }

  // The connection's one deadline (see set_deadline), checked every Worker::kTickInterval.
  void on_tick(std::chrono::steady_clock::time_point now) override {
    if (now < deadline_) return;
    clear_deadline();
    // Like a timeout of the stream: whatever the session waits for fails now, and so does what it tries next.
    boost::system::error_code ignored;
    auto& socket = socket_of(stream_);
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.cancel(ignored);
  }

  void on_shutdown() override {
    closing_ = true;
    if (long_poll_) long_poll_->finish();
    // A connection between requests has nothing in flight: end it now.
    if (waiting_for_request_) beast::get_lowest_layer(stream_).cancel();
  }

 private:
  using Parser = http::request_parser<http::string_body>;

  awaitable<void> run(std::shared_ptr<HttpSession> /* keeps the session alive */) {
    boost::system::error_code ignored;
    peer_ = unmapped(socket_of(stream_).remote_endpoint(ignored).address());
    peer_is_proxy_ = contains_any(worker_.state().trusted_proxies, peer_);
    if (!peer_is_proxy_) admit_client(peer_);  // behind a proxy: once the request says who it is for
    if constexpr (is_tls_stream<Stream>) {
      if (!co_await handshake()) co_return close_gracefully();
    }
    bool first = true;
    while (!closing_) {
      auto request = co_await read_request(first);
      first = false;
      if (!request) break;
      if (!co_await serve(std::move(*request))) break;
    }
    if (handed_over_) co_return;
    if constexpr (is_tls_stream<Stream>) co_await end_tls();
    if (answered_then_closed_ && !closing_) co_await linger();
    close_gracefully();
  }

  // After an answer that ends the connection (an error such as a body over http.max_body_bytes), the
  // client may still be sending: closing with unread bytes would make the kernel reset the connection,
  // and a client reset before it read the answer loses it. So the sending side is shut down and what
  // arrives is dropped until the client closes, for kLingerTime at most.
  awaitable<void> linger() {
    auto& tcp = beast::get_lowest_layer(stream_);
    boost::system::error_code ignored;
    if (reading_ahead_) tcp.socket().cancel(ignored);  // what it would bring is dropped anyway
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    waiting_for_request_ = true;  // a shutdown meanwhile ends it
    set_deadline(kLingerTime);
    std::array<char, 4096> dropped;
    for (;;) {
      auto [error, n] = co_await tcp.async_read_some(asio::buffer(dropped), tuple_awaitable);
      if (error || closing_) break;
    }
  }

  // The TLS handshake, within http.header_timeout (a client that never completes it is closed). A
  // client that speaks plain HTTP instead is told to use TLS.
  awaitable<bool> handshake() {
    auto& tcp = beast::get_lowest_layer(stream_);
    waiting_for_request_ = true;  // a shutdown meanwhile ends the connection
    set_deadline(worker_.config().header_timeout);
    auto [detect_error, is_tls] = co_await beast::async_detect_ssl(tcp, buffer_, tuple_awaitable);
    if (detect_error || closing_) co_return false;
    if (!is_tls) {
      spdlog::debug("plain HTTP on a TLS port from {}", remote_endpoint_text());
      std::array<asio::const_buffer, 2> answer{asio::buffer(kTlsRequiredHead),
                                               asio::buffer(kTlsRequiredBody)};
      co_await asio::async_write(tcp, answer, tuple_awaitable);
      co_return false;
    }
    auto [error, used] =
        co_await stream_.async_handshake(asio::ssl::stream_base::server, buffer_.data(), tuple_awaitable);
    waiting_for_request_ = false;
    if (error) {
      spdlog::debug("TLS handshake with {} failed: {}", remote_endpoint_text(), error.message());
      co_return false;
    }
    buffer_.consume(used);
    co_return !closing_;
  }

  // Sends close_notify and gives the client a moment to answer it, so that it sees a clean end.
  awaitable<void> end_tls() {
    set_deadline(kTlsCloseWait);
    co_await stream_.async_shutdown(tuple_awaitable);
  }

  std::string remote_endpoint_text() {
    boost::system::error_code ignored;
    auto endpoint = socket_of(stream_).remote_endpoint(ignored);
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  }

  // Waits for and reads the next request; nullopt when the connection must end (errors are answered).
  awaitable<std::optional<HttpRequest>> read_request(bool first) {
    const Config& config = worker_.config();
    waiting_for_request_ = true;
    if (!first && buffer_.size() == 0) {
      set_deadline(config.idle_timeout);
      boost::system::error_code error;
      if (reading_ahead_) {  // the read a long poll started: it brings the next request (or the end)
        read_ahead_done_.expires_at(std::chrono::steady_clock::time_point::max());
        co_await read_ahead_done_.async_wait(tuple_awaitable);  // until read_ahead()'s answer cancels it
        error = read_ahead_error_;
      } else {
        auto [read_error, n] = co_await stream_.async_read_some(buffer_.prepare(kReadSize), tuple_awaitable);
        error = read_error;
        if (!error) buffer_.commit(n);
      }
      if (error) co_return std::nullopt;
    }
    if (closing_) co_return std::nullopt;

    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
    parser.body_limit(config.max_body_bytes);
    set_deadline(config.header_timeout);
    boost::system::error_code header_error = parse_buffered(parser, false);
    if (!header_error && !parser.is_header_done())
      std::tie(header_error, std::ignore) =
          co_await http::async_read_header(stream_, buffer_, parser, tuple_awaitable);
    waiting_for_request_ = false;
    if (header_error) {
      if (auto answer = read_error_response(header_error)) co_await send(std::move(*answer), false);
      co_return std::nullopt;
    }
    if (auto refusal = check_request_head(parser.get())) {  // the body cannot be delimited: close after
      auto answer = error_response(*refusal);
      co_await send(std::move(answer), false);
      co_return std::nullopt;
    }
    if (parser.get()[http::field::expect] == "100-continue") {
      http::response<http::empty_body> proceed{http::status::continue_, 11};
      co_await http::async_write(stream_, proceed, tuple_awaitable);
    }
    set_deadline(config.idle_timeout);
    boost::system::error_code body_error = parse_buffered(parser, true);
    if (!body_error && !parser.is_done())
      std::tie(body_error, std::ignore) =
          co_await http::async_read(stream_, buffer_, parser, tuple_awaitable);
    if (body_error) {
      if (auto answer = read_error_response(body_error)) co_await send(std::move(*answer), false);
      co_return std::nullopt;
    }
    auto client = client_of(parser.get());  // before release() takes the message away
    auto request = HttpRequest::from(parser.release(), client, is_tls_stream<Stream>);
    if (!request) {
      auto answer = error_response({http::status::bad_request, "bad_request", "invalid request target"});
      co_await send(std::move(answer), false);
    }
    co_return request;
  }

  // Parses what the buffer holds already: the header, or with `body` the rest of the request. A request
  // that arrived whole then needs no asynchronous read, each of which would cost a trip through the
  // worker's queue of ready work even with nothing left to read.
  boost::system::error_code parse_buffered(Parser& parser, bool body) {
    parser.eager(body);
    boost::system::error_code error;
    while (buffer_.size() > 0 && !(body ? parser.is_done() : parser.is_header_done())) {
      std::size_t used = parser.put(buffer_.data(), error);
      buffer_.consume(used);
      if (error == http::error::need_more) return {};
      if (error || used == 0) break;
    }
    return error;
  }

  // Who a request is from: the peer, or for a trusted proxy the client its X-Forwarded-For names (then
  // counted against that client's per-address limits from this request on).
  asio::ip::address client_of(const http::request<http::string_body>& message) {
    if (!peer_is_proxy_) return peer_;
    std::string forwarded;
    auto [line, end] = message.equal_range("X-Forwarded-For");
    for (; line != end; ++line) forwarded += (forwarded.empty() ? "" : ",") + std::string(line->value());
    auto client = client_address(peer_, forwarded, worker_.state().trusted_proxies);
    if (!slot_.client().holds(worker_.state().client_limits.key_of(client))) admit_client(client);
    return client;
  }

  // Counts this connection against `client`'s per-address connection limits, or notes the refusal that
  // the next request gets.
  void admit_client(const asio::ip::address& client) {
    auto& limits = worker_.state().client_limits;
    if (!limits.limits_connections()) return;
    auto admitted = limits.admit(limits.key_of(client), ClientLimits::now());
    if (auto* refusal = std::get_if<LimitRefusal>(&admitted)) {
      worker_.metrics().client_limited(refusal->limit);
      refused_ = *refusal;
      return;
    }
    slot_.hold_client(std::get<ClientTicket>(std::move(admitted)));
  }

  // The answer to a request that could not be read, if it deserves one.
  static std::optional<HttpResponse> read_error_response(boost::system::error_code error) {
    if (error != http::error::end_of_stream) spdlog::debug("request not read: {}", error.message());
    if (error == http::error::header_limit)
      return error_response({http::status::request_header_fields_too_large, "headers_too_large",
                             "the request headers are over the size limit"});
    if (error == http::error::body_limit)
      return error_response(
          {http::status::payload_too_large, "too_large", "the request body is over the size limit"});
    bool malformed = error.category() == http::make_error_code(http::error::bad_target).category() &&
                     error != http::error::end_of_stream && error != http::error::partial_message;
    if (malformed)
      return error_response({http::status::bad_request, "bad_request", "malformed HTTP request"});
    return std::nullopt;
  }

  // Answers one request; false when the connection ends (handed over, or not to be kept alive).
  // (Responses are built into named variables before each co_await: GCC 12 mishandles temporaries
  // inside co_await expressions.)
  awaitable<bool> serve(HttpRequest request) {
    clear_deadline();
    const bool keep_alive = request.message().keep_alive();
    RouteMatch match = match_route(request.path(), request.method());
    cors_.reset();
    if (is_cors_route(match.route))
      cors_ = cors_grant(worker_.config().cors_origins, request.header(http::field::origin));
    if (auto refusal = limit_refusal(request, match)) {  // a refused connection closes after the answer
      co_return co_await send(std::move(*refusal), keep_alive && !refused_, &request);
    }
    if (is_preflight(request) && is_cors_route(match.route)) {
      auto answer = cors_ ? preflight_response(*cors_, match.allow) : cors_refusal(request);
      co_return co_await send(std::move(answer), keep_alive, &request);
    }
    bool streaming =
        match.route == Route::sse || match.route == Route::websocket || match.route == Route::websocket_echo;
    if (streaming && match.method_allowed) {
      auto refusal = match.route == Route::sse ? start_sse(request) : start_websocket(request, match.route);
      if (!refusal) co_return false;  // the connection now belongs to the stream
      co_return co_await send(std::move(*refusal), keep_alive, &request);
    }
    std::optional<HttpResponse> response;
    if (!match.method_allowed) {
      response = method_not_allowed(request, match);
    } else if (match.route == Route::publish) {
      response = co_await handle_publish(worker_, access_, request);
    } else if (match.route == Route::history) {
      response = co_await handle_history(worker_, access_, request);
    } else if (match.route == Route::presence) {
      response = co_await handle_presence(worker_, access_, request);
    } else if (match.route == Route::longpoll) {
      ClientWatch watch = [this](const std::shared_ptr<LongPollWait>& wait) { watch_poller(wait); };
      response = co_await serve_long_poll(worker_, access_, request, watch, long_poll_);
      if (!reading_ahead_) stop_peeking();  // a read ahead stays: it brings the next request
      if (!response) co_return false;       // the client left
    } else {
      response = immediate_response(request, match.route);
    }
    co_return co_await send(std::move(*response), keep_alive, &request);
  }

  // The answer when a per-address limit refuses `request`: its connection was refused (limits on
  // connections), or it is a command (history, long poll, SSE, presence) over the client's command budget.
  std::optional<HttpResponse> limit_refusal(const HttpRequest& request, const RouteMatch& match) {
    if (refused_) return error_response(limit_error(worker_.config(), *refused_));
    bool command = match.route == Route::history || match.route == Route::longpoll ||
                   match.route == Route::sse || match.route == Route::presence;
    if (!command || !match.method_allowed || is_preflight(request)) return std::nullopt;
    if (auto refusal = ClientRates(worker_, request.remote()).command()) return error_response(*refusal);
    return std::nullopt;
  }

  HttpResponse immediate_response(const HttpRequest& request, Route route) {
    switch (route) {
      case Route::health:
        return handle_health(worker_, request);
      case Route::ready:
        return handle_ready(worker_, request);
      case Route::metrics:
        return handle_metrics(worker_, request);
      case Route::ice_servers:
        return handle_ice_servers(worker_, access_, request);
      case Route::web_page:
        if (auto page = handle_web_page(worker_, request)) return std::move(*page);
        break;
      default:
        break;
    }
    return error_response({http::status::not_found, "not_found", "no such endpoint: " + request.path()});
  }

  static HttpResponse cors_refusal(const HttpRequest& request) {
    return error_response({http::status::forbidden, "forbidden_origin",
                           "pages of " + std::string(request.header(http::field::origin)) + " may not use " +
                               request.path() + " (http.cors_origins)"});
  }

  static HttpResponse method_not_allowed(const HttpRequest& request, const RouteMatch& match) {
    auto response = error_response({http::status::method_not_allowed, "method_not_allowed",
                                    "use " + std::string(match.allow) + " for " + request.path()});
    response.set(http::field::allow, match.allow);
    return response;
  }

  // Hands the connection to an SSE stream; returns the refusal instead when the request is not valid.
  std::optional<HttpResponse> start_sse(const HttpRequest& request) {
    if (worker_.state().shutting_down) return error_response(shutting_down_error());
    auto params = parse_sse_params(request, worker_.config().sse_max_channels,
                                   worker_.config().presence_max_info_bytes);
    if (auto* error = std::get_if<ApiError>(&params)) return error_response(*error);
    auto& sse = std::get<SseParams>(params);
    auto admitted = access_.admit_subscriber(request, sse.channels);
    if (auto* refusal = std::get_if<ApiError>(&admitted)) return refusal_response(*refusal);
    if (auto refusal = set_sse_presence(sse, std::get<Identity>(admitted))) return error_response(*refusal);
    auto seats = take_subscriber_seats(worker_, access_, sse.channels);
    if (auto* full = std::get_if<ApiError>(&seats)) return error_response(*full);
    sse.seats = std::get<std::vector<SubscriberSeat>>(std::move(seats));
    if (const auto& token = std::get<Identity>(admitted).token) sse.token_expires = token->expires_at;
    if (cors_) sse.extra_headers = cors_header_lines(*cors_);
    worker_.metrics().http_response(200);
    handed_over_ = true;
    start_sse_stream(take_for_streaming(stream_), worker_, std::move(slot_),
                     std::get<SseParams>(std::move(params)));
    return std::nullopt;
  }

  // Which channels of the stream keep presence and who the stream is there (the token's `sub`, and its
  // `info` over the client's); presence=true needs at least one such channel.
  std::optional<ApiError> set_sse_presence(SseParams& sse, const Identity& identity) {
    bool any = false;
    for (const auto& channel : sse.channels) {
      sse.keeps_presence.push_back(access_.keeps_presence(channel));
      any = any || sse.keeps_presence.back();
    }
    if (sse.presence_events && !any) return presence_disabled_error(sse.channels.front());
    if (!any) return std::nullopt;  // in no presence: no id, and the info is not used
    sse.presence_client.id = new_client_id();
    if (identity.token) sse.presence_client.user = identity.token->subject;
    auto info = presence_info(identity, std::move(sse.info_json), worker_.config().presence_max_info_bytes);
    if (auto* refusal = std::get_if<ApiError>(&info)) return std::move(*refusal);
    sse.presence_client.info_json = std::get<std::string>(std::move(info));
    return std::nullopt;
  }

  // Hands the connection to a WebSocket session; returns the refusal instead when the handshake fails.
  std::optional<HttpResponse> start_websocket(const HttpRequest& request, Route route) {
    const Config& config = worker_.config();
    if (route == Route::websocket_echo && !config.ws_echo)
      return error_response({http::status::not_found, "not_found", "the echo endpoint is off (ws.echo)"});
    if (worker_.state().shutting_down) return error_response(shutting_down_error());
    auto identified = access_.identify(request);
    auto handshake = ws::accept_handshake(request, {config.ws_deflate, &config.ws_allowed_origins});
    if (auto* refusal = std::get_if<HttpResponse>(&handshake)) return std::move(*refusal);
    auto& accepted = std::get<ws::Handshake>(handshake);
    worker_.metrics().http_response(101);
    ws::SessionOptions options;
    options.mode = route == Route::websocket_echo ? ws::Mode::echo : ws::Mode::herald;
    options.deflate = accepted.deflate;
    options.deflate_window_bits = accepted.deflate_window_bits;
    options.handshake_response = std::move(accepted.response);
    options.received = beast::buffers_to_string(buffer_.data());
    options.access = &access_;
    options.rates = ClientRates(worker_, request.remote());
    if (auto* identity = std::get_if<Identity>(&identified))
      options.identity = std::move(*identity);
    else
      options.refusal = std::get<ApiError>(std::move(identified));
    handed_over_ = true;
    ws::start_session(take_for_streaming(stream_), worker_, std::move(slot_), std::move(options));
    return std::nullopt;
  }

  // While a long poll waits, the connection watches for its client leaving. On plain TCP with nothing
  // buffered, it reads ahead: the read that finds the end of the connection is also the one that brings
  // the client's next request, so a poll costs one read that finds nothing (the read ahead's first try)
  // instead of two (the peek's and the next request's). Otherwise (TLS, whose records only the stream may
  // read, or a request sent ahead) a peeking receive finds out without taking any byte.
  void watch_poller(const std::shared_ptr<LongPollWait>& wait) {
    if constexpr (!is_tls_stream<Stream>) {
      if (buffer_.size() == 0) return read_ahead(wait);
    }
    peek_for_close(wait);
  }

  void read_ahead(std::weak_ptr<LongPollWait> poll) {
    reading_ahead_ = true;
    read_ahead_error_ = {};
    auto& socket = beast::get_lowest_layer(stream_).socket();
    auto on_read = [self = this->shared_from_this(), poll = std::move(poll)](boost::system::error_code error,
                                                                             std::size_t n) {
      self->read_ahead_ended(error, n, poll.lock());
    };
    socket.async_read_some(buffer_.prepare(kReadSize), std::move(on_read));
  }

  void read_ahead_ended(boost::system::error_code error, std::size_t n,
                        const std::shared_ptr<LongPollWait>& poll) {
    reading_ahead_ = false;
    read_ahead_error_ = error;
    if (!error) buffer_.commit(n);
    read_ahead_done_.cancel();  // wakes read_request() if it waits for this read
    if (error && poll && !poll->finished()) poll->client_left();  // end of stream, or the connection broke
  }

  // A client that closes its connection makes the socket readable with nothing to read. Unlike async_wait,
  // a peeking receive does not re-register the socket with epoll.
  void peek_for_close(const std::shared_ptr<LongPollWait>& wait) {
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.async_receive(asio::buffer(&peeked_, 1), asio::socket_base::message_peek,
                         [wait](boost::system::error_code error, std::size_t) {
                           if (wait->finished() || error == asio::error::operation_aborted) return;
                           if (error) wait->client_left();  // end of stream, or the connection broke
                         });
  }
  void stop_peeking() {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream_).socket().cancel(ignored);
  }

  // Writes the response to `request` (nullptr: to a request that could not be read); true when the
  // connection stays open for the next request.
  awaitable<bool> send(HttpResponse response, bool keep_alive, const HttpRequest* request = nullptr) {
    keep_alive = keep_alive && !closing_ && !worker_.state().shutting_down;
    response.keep_alive(keep_alive);
    // An HTTP/1.0 client keeps the connection only when told so (RFC 9112 section 9.3 and appendix C.2.2).
    if (keep_alive && request != nullptr && request->message().version() < 11)
      response.set(http::field::connection, "keep-alive");
    response.set(http::field::server, "herald");
    if (cors_) apply_cors(response, *cors_);
    worker_.metrics().http_response(response.result_int());
    set_deadline(worker_.config().idle_timeout);
    // HEAD: the same header, Content-Length included, without the body (RFC 9110 section 9.3.2).
    bool head_only = request != nullptr && request->method() == http::verb::head;
    boost::system::error_code error;
    if (writable_as_head_and_body(response)) {
      std::string head = response_head(response);
      std::array<asio::const_buffer, 2> bytes{asio::buffer(head), asio::buffer(response.body())};
      if (head_only) bytes[1] = asio::const_buffer();
      if (!write_at_once(bytes))
        std::tie(error, std::ignore) = co_await asio::async_write(stream_, bytes, tuple_awaitable);
    } else if (head_only) {
      http::response_serializer<http::string_body> serializer{response};
      std::tie(error, std::ignore) = co_await http::async_write_header(stream_, serializer, tuple_awaitable);
    } else {
      std::tie(error, std::ignore) = co_await http::async_write(stream_, response, tuple_awaitable);
    }
    answered_then_closed_ = !error && !keep_alive;
    co_return !error && keep_alive;
  }

  // Writes as much of `bytes` as the kernel takes now, without waiting (plain TCP only: TLS needs its
  // records written by the stream); true when all of it went, else `bytes` keeps what is left. An answer
  // that fits the socket's buffer then costs one system call and no trip through the worker's queue.
  bool write_at_once(std::array<asio::const_buffer, 2>& bytes) {
    if constexpr (is_tls_stream<Stream>) {
      return false;
    } else {
      auto& socket = beast::get_lowest_layer(stream_).socket();
      boost::system::error_code error;
      if (!socket.non_blocking()) socket.non_blocking(true, error);
      if (error) return false;
      std::size_t written = socket.write_some(bytes, error);
      for (auto& buffer : bytes) {
        std::size_t used = std::min(written, buffer.size());
        buffer += used;
        written -= used;
      }
      return bytes[0].size() == 0 && bytes[1].size() == 0;
    }
  }

  // The time by which what the session waits for now (a handshake, a request, a write, a client's close)
  // must be done, else the connection ends. One deadline for the connection, a stored time point, rather
  // than a timer armed and cancelled for every read and write: the worker's tick enforces it, a quarter
  // of a second late at most.
  template <typename Rep, typename Period>
  void set_deadline(std::chrono::duration<Rep, Period> timeout) {
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
  }
  void clear_deadline() { deadline_ = std::chrono::steady_clock::time_point::max(); }

  void close_gracefully() {
    boost::system::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
  }

  Stream stream_;
  Worker& worker_;
  ConnectionSlot slot_;
  const Access& access_;
  beast::flat_buffer buffer_;
  asio::ip::address peer_;
  bool peer_is_proxy_ = false;           // http.trusted_proxies: X-Forwarded-For names the client
  std::optional<LimitRefusal> refused_;  // a per-address connection limit refused this connection
  std::shared_ptr<LongPollWait> long_poll_;
  std::optional<CorsGrant> cors_;  // the current request's, when its origin may read the answer
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  asio::steady_timer read_ahead_done_{worker_.context()};  // cancelled when a read ahead ends
  boost::system::error_code read_ahead_error_;
  bool reading_ahead_ = false;
  char peeked_ = 0;
  bool waiting_for_request_ = false;
  bool closing_ = false;
  bool handed_over_ = false;           // the socket now belongs to an SSE stream or a WebSocket session
  bool answered_then_closed_ = false;  // the last answer said the connection ends
};

}  // namespace

template <typename Stream>
void start_http_session(Stream stream, Worker& worker, ConnectionSlot slot, const Access& access) {
  std::make_shared<HttpSession<Stream>>(std::move(stream), worker, std::move(slot), access)->start();
}

template void start_http_session<beast::tcp_stream>(beast::tcp_stream, Worker&, ConnectionSlot,
                                                    const Access&);
template void start_http_session<TlsStream>(TlsStream, Worker&, ConnectionSlot, const Access&);

}  // namespace herald
