// One client connected to the STUN/TURN port over TCP (RFC 8656 section 3.1): the byte stream cut into
// STUN messages and ChannelData frames (protocol/stun/stream_framing), each handed to the server, and a
// bounded queue of frames written back in order. A stream that stops framing is closed, as is one whose
// queue overflows with more than kMaxQueuedBytes (the client is not reading).
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "turn/allocation.hpp"

namespace herald::turn {

class TcpClient : public std::enable_shared_from_this<TcpClient> {
 public:
  static constexpr std::size_t kMaxQueuedBytes = 1 << 20;

  using OnFrame = std::function<void(TcpClient& client, std::string_view frame)>;
  using OnClose = std::function<void(const ClientKey& client)>;

  TcpClient(boost::asio::ip::tcp::socket socket, ClientKey key, OnFrame on_frame, OnClose on_close);

  const ClientKey& key() const { return key_; }
  void start();
  void send(std::string bytes);
  void close();

 private:
  void read();
  // Hands on every complete frame at the start of the buffer; false when the stream is not framed.
  bool take_frames();
  void write_next();

  boost::asio::ip::tcp::socket socket_;
  ClientKey key_;
  OnFrame on_frame_;
  OnClose on_close_;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace herald::turn
