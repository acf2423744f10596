// Blocking HTTP publisher (see publisher.hpp).
#include "publisher.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>

#include "http_response.hpp"
#include "payload.hpp"
#include "recv_buffer.hpp"

namespace bench {

Publisher::Publisher(const Target& target, std::vector<PublisherChannel> channels, double rate,
                     std::size_t size, Deadline deadline)
    : target_(target), channels_(std::move(channels)), rate_(rate), size_(size), deadline_(deadline) {
  payload_.reserve(size + 64);
  request_.reserve(size + 512);
}

Publisher::~Publisher() {
  join();
  if (fd_ >= 0) close(fd_);
}

void Publisher::start(const std::atomic<bool>& go) {
  thread_ = std::thread([this, &go] { run(go); });
}

void Publisher::join() {
  if (thread_.joinable()) thread_.join();
}

void Publisher::note_error(const std::string& what) {
  ++result_.errors;
  if (result_.first_error.empty()) result_.first_error = what;
}

void Publisher::reconnect() {
  if (fd_ >= 0) close(fd_);
  fd_ = open_connection(target_, false);
  if (fd_ < 0) return;
  timeval tv{1, 0};  // blocking calls wake up every second so the deadline is honoured
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void Publisher::run(const std::atomic<bool>& go) {
  while (!go.load() && !expired(deadline_)) std::this_thread::sleep_for(std::chrono::microseconds(200));
  auto start = SteadyClock::now();
  std::int64_t start_ns = realtime_ns();
  std::uint64_t sent = 0;
  std::uint64_t rounds = 0;
  for (auto& c : channels_) rounds = std::max(rounds, c.messages);
  for (std::uint64_t round = 0; round < rounds && !expired(deadline_); ++round) {
    for (auto& channel : channels_) {
      if (round >= channel.messages || expired(deadline_)) continue;
      std::int64_t scheduled_ns = 0;
      if (rate_ > 0) {
        double offset = static_cast<double>(sent) / rate_;
        std::this_thread::sleep_until(
            start + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(offset)));
        scheduled_ns = start_ns + static_cast<std::int64_t>(offset * 1e9);
      }
      if (publish_one(channel, round + 1, scheduled_ns)) ++result_.published;
      ++sent;
    }
  }
  finished_.store(true);
}

bool Publisher::publish_one(const PublisherChannel& channel, std::uint64_t seq, std::int64_t scheduled_ns) {
  if (fd_ < 0) reconnect();
  if (fd_ < 0) {
    note_error(fmt::format("connect: {}", std::strerror(errno)));
    return false;
  }
  std::int64_t now = realtime_ns();
  if (scheduled_ns) result_.max_lag_ns = std::max(result_.max_lag_ns, now - scheduled_ns);
  write_payload(payload_, seq, scheduled_ns ? scheduled_ns : now, size_);
  request_.clear();
  fmt::format_to(
      std::back_inserter(request_),
      "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
      channel.path, target_.host_header, payload_.size(), payload_);
  if (result_.first_send_ns == 0) result_.first_send_ns = now;
  result_.last_send_ns = now;
  if (!send_all(request_)) {
    note_error(fmt::format("send: {}", std::strerror(errno)));
    reconnect();
    return false;
  }
  int status = read_response();
  if (status >= 200 && status < 300) return true;
  note_error(status > 0 ? fmt::format("publish answered {}", status) : std::string("no answer to publish"));
  if (status <= 0) reconnect();
  return false;
}

bool Publisher::send_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN) && !expired(deadline_)) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Status of the response, or -1 when the connection broke. Reads the whole body; reconnects on close.
int Publisher::read_response() {
  static thread_local RecvBuffer buf(16384, 1 << 20);
  buf.clear();
  ResponseHead head;
  BodyDecoder body;
  bool have_head = false;
  while (!expired(deadline_)) {
    auto space = buf.writable();
    ssize_t n = recv(fd_, space.data(), space.size(), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return -1;
    buf.commit(static_cast<std::size_t>(n));
    if (!have_head) {
      auto s = parse_response_head(buf, head);
      if (s == ParseStatus::error) return -1;
      if (s == ParseStatus::need_more) continue;
      have_head = true;
      body.start(head, head.status == 204 || head.status == 304);
      if (body.until_close()) head.connection_close = true;
    }
    if (body.decode(buf) != ParseStatus::done && !body.until_close()) continue;
    if (head.connection_close) reconnect();
    return head.status;
  }
  return -1;
}

}  // namespace bench
