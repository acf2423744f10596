// TCP clients (see tcp_client.hpp).
#include "turn/tcp_client.hpp"

#include <boost/asio/write.hpp>
#include <cstring>

#include "protocol/stun/stream_framing.hpp"

namespace herald::turn {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kInitialBuffer = 4096;
constexpr std::size_t kWriteBatch = 64;

}  // namespace

TcpClient::TcpClient(asio::ip::tcp::socket socket, ClientKey key, OnFrame on_frame, OnClose on_close)
    : socket_(std::move(socket)),
      key_(std::move(key)),
      on_frame_(std::move(on_frame)),
      on_close_(std::move(on_close)),
      buffer_(kInitialBuffer) {}

void TcpClient::start() {
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  read();
}

void TcpClient::read() {
  if (used_ == buffer_.size()) buffer_.resize(std::min(buffer_.size() * 2, stun::kMaxStreamFrameSize));
  socket_.async_read_some(asio::buffer(buffer_.data() + used_, buffer_.size() - used_),
                          [self = shared_from_this()](boost::system::error_code error, std::size_t size) {
                            if (self->closed_) return;
                            if (error) return self->close();
                            self->used_ += size;
                            if (!self->take_frames()) return self->close();
                            if (!self->closed_) self->read();
                          });
}

bool TcpClient::take_frames() {
  std::size_t start = 0;
  while (!closed_) {
    auto frame =
        stun::next_stream_frame(std::string_view(buffer_.data() + start, used_ - start), kChannelRange);
    if (frame.status == stun::FrameStatus::invalid) return false;
    if (frame.status == stun::FrameStatus::need_more) break;
    on_frame_(*this, std::string_view(buffer_.data() + start, frame.length));
    start += frame.length;
  }
  if (start > 0) {
    std::memmove(buffer_.data(), buffer_.data() + start, used_ - start);
    used_ -= start;
  }
  return true;
}

void TcpClient::send(std::string bytes) {
  if (closed_) return;
  if (queued_bytes_ + bytes.size() > kMaxQueuedBytes) return close();
  queued_bytes_ += bytes.size();
  queue_.push_back(std::move(bytes));
  if (!writing_) write_next();
}

// One gather write of what is queued (up to kWriteBatch frames); deque elements stay in place while
// more are queued behind them.
void TcpClient::write_next() {
  if (queue_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  std::vector<asio::const_buffer> buffers;
  for (const auto& frame : queue_) {
    buffers.push_back(asio::buffer(frame));
    if (buffers.size() == kWriteBatch) break;
  }
  asio::async_write(
      socket_, buffers,
      [self = shared_from_this(), count = buffers.size()](boost::system::error_code error, std::size_t) {
        if (self->closed_) return;
        if (error) return self->close();
        for (std::size_t i = 0; i < count; ++i) {
          self->queued_bytes_ -= self->queue_.front().size();
          self->queue_.pop_front();
        }
        self->write_next();
      });
}

void TcpClient::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
  queue_.clear();
  on_close_(key_);
}

}  // namespace herald::turn
