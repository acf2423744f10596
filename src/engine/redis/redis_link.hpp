// One TCP connection to a Redis server, on one executor (a worker's thread). It connects within the
// connect timeout, authenticates and selects the database, writes commands (everything queued while a
// write runs goes in the next one: pipelining), reads replies and hands them to its owner in order, and
// after any failure reconnects with exponential backoff and full jitter until stopped. What the replies
// mean is the owner's business: answers to commands in order (RedisClient), or pub/sub pushes
// (RedisSubscriber).
#pragma once
#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "engine/redis/redis_endpoint.hpp"
#include "engine/redis/resp.hpp"

namespace herald::redis {

struct Timeouts {
  std::chrono::milliseconds connect{2000};
  std::chrono::milliseconds command{2000};
};

class Link {
 public:
  class Owner {
   public:
    // Connected, authenticated and ready for commands.
    virtual void on_link_up() = 0;
    // The connection failed or was lost (or could not be made); the link reconnects by itself.
    virtual void on_link_down(const std::string& reason) = 0;
    // The next reply from the server.
    virtual void on_reply(Reply reply) = 0;

   protected:
    ~Owner() = default;
  };

  Link(boost::asio::any_io_executor executor, Endpoint endpoint, Timeouts timeouts, Owner& owner);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  void start();
  // Closes the connection for good; no owner call follows.
  void stop();
  bool up() const { return state_ == State::up; }
  // Queues a formatted command (format_command), written at once with whatever else is queued. Only
  // while up.
  void send(std::string_view command);
  // Ends the connection as failed (such as a reply that never came); the link reconnects.
  void fail(const std::string& reason);
  const Endpoint& endpoint() const { return endpoint_; }
  const Timeouts& timeouts() const { return timeouts_; }
  // Connections lost (or not made) since start; any thread may read it.
  std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  enum class State { idle, connecting, handshake, up, waiting, stopped };
  // Bounds of the reconnect backoff: the n-th attempt in a row waits a random time below
  // min(kMaxBackoff, kFirstBackoff * 2^n) ("full jitter"), so that nodes do not reconnect in step.
  static constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
  static constexpr auto kMaxBackoff = std::chrono::seconds(5);

  void connect();
  void on_resolved(std::uint64_t generation, const boost::system::error_code& error,
                   const boost::asio::ip::tcp::resolver::results_type& results);
  void on_connected(std::uint64_t generation, const boost::system::error_code& error);
  void start_handshake();
  void read();
  void on_read(std::uint64_t generation, const boost::system::error_code& error, std::size_t size);
  void handle_reply(Reply reply);
  void write();
  void close_socket();
  void schedule_reconnect();

  boost::asio::any_io_executor executor_;
  Endpoint endpoint_;
  Timeouts timeouts_;
  Owner& owner_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;  // the connect timeout, then the reconnect backoff
  std::unique_ptr<ReplyReader> reader_;
  std::array<char, 65536> read_buffer_{};
  std::string outbox_;   // commands queued while a write runs
  std::string writing_;  // the bytes of the running write
  State state_ = State::idle;
  int handshake_replies_ = 0;     // replies still expected for AUTH and SELECT
  std::uint64_t generation_ = 0;  // a handler of an earlier connection sees another number and stops
  unsigned attempt_ = 0;          // connection attempts that failed in a row
  std::atomic<std::uint64_t> failures_{0};
  std::minstd_rand random_;
};

}  // namespace herald::redis
