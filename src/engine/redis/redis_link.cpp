// Redis connections (see redis_link.hpp).
#include "engine/redis/redis_link.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

namespace herald::redis {
namespace asio = boost::asio;
using asio::ip::tcp;

Link::Link(asio::any_io_executor executor, Endpoint endpoint, Timeouts timeouts, Owner& owner)
    : executor_(executor),
      endpoint_(std::move(endpoint)),
      timeouts_(timeouts),
      owner_(owner),
      resolver_(executor),
      socket_(executor),
      timer_(executor),
      random_(std::random_device{}()) {}

Link::~Link() { stop(); }

void Link::start() {
  if (state_ != State::idle) return;
  connect();
}

void Link::stop() {
  if (state_ == State::stopped) return;
  state_ = State::stopped;
  ++generation_;
  timer_.cancel();
  resolver_.cancel();
  close_socket();
}

void Link::connect() {
  state_ = State::connecting;
  const std::uint64_t generation = ++generation_;
  reader_ = std::make_unique<ReplyReader>();
  outbox_.clear();
  writing_.clear();
  timer_.expires_after(timeouts_.connect);
  timer_.async_wait([this, generation](const boost::system::error_code& error) {
    if (error || generation != generation_) return;
    fail("no connection within " + std::to_string(timeouts_.connect.count()) + " ms");
  });
  resolver_.async_resolve(
      endpoint_.host, endpoint_.port,
      [this, generation](const boost::system::error_code& error, tcp::resolver::results_type results) {
        on_resolved(generation, error, results);
      });
}

void Link::on_resolved(std::uint64_t generation, const boost::system::error_code& error,
                       const tcp::resolver::results_type& results) {
  if (generation != generation_) return;
  if (error) return fail("cannot resolve " + endpoint_.host + ": " + error.message());
  asio::async_connect(socket_, results,
                      [this, generation](const boost::system::error_code& failure, const tcp::endpoint&) {
                        on_connected(generation, failure);
                      });
}

void Link::on_connected(std::uint64_t generation, const boost::system::error_code& error) {
  if (generation != generation_) return;
  if (error) return fail(error.message());
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  start_handshake();
  read();
}

void Link::start_handshake() {
  state_ = State::handshake;
  handshake_replies_ = 0;
  std::string commands;
  if (!endpoint_.password.empty()) {
    commands += endpoint_.user.empty() ? format_command({"AUTH", endpoint_.password})
                                       : format_command({"AUTH", endpoint_.user, endpoint_.password});
    ++handshake_replies_;
  }
  if (endpoint_.db != 0) {
    commands += format_command({"SELECT", std::to_string(endpoint_.db)});
    ++handshake_replies_;
  }
  commands += format_command({"PING"});  // proves the server answers before herald relies on it
  ++handshake_replies_;
  outbox_ = std::move(commands);
  write();
}

void Link::send(std::string_view command) {
  if (state_ != State::up) return;
  outbox_ += command;
  write();
}

void Link::write() {
  if (!writing_.empty() || outbox_.empty()) return;
  writing_.swap(outbox_);
  const std::uint64_t generation = generation_;
  asio::async_write(socket_, asio::buffer(writing_),
                    [this, generation](const boost::system::error_code& error, std::size_t) {
                      if (generation != generation_) return;
                      if (error) return fail("write failed: " + error.message());
                      writing_.clear();
                      write();
                    });
}

void Link::read() {
  const std::uint64_t generation = generation_;
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [this, generation](const boost::system::error_code& error, std::size_t size) {
                            on_read(generation, error, size);
                          });
}

void Link::on_read(std::uint64_t generation, const boost::system::error_code& error, std::size_t size) {
  if (generation != generation_) return;
  if (error) return fail(error == asio::error::eof ? "the server closed the connection" : error.message());
  reader_->feed(read_buffer_.data(), size);
  while (generation == generation_) {
    std::optional<Reply> reply = reader_->next();
    if (!reply) break;
    handle_reply(std::move(*reply));
  }
  if (generation != generation_) return;  // failed or stopped while handling
  if (reader_->failed()) return fail("not the Redis protocol: " + reader_->error());
  read();
}

void Link::handle_reply(Reply reply) {
  if (state_ != State::handshake) return owner_.on_reply(std::move(reply));
  if (reply.is_error()) return fail("the server refused the connection: " + reply.text);
  if (--handshake_replies_ > 0) return;
  state_ = State::up;
  attempt_ = 0;
  timer_.cancel();
  owner_.on_link_up();
}

void Link::fail(const std::string& reason) {
  if (state_ == State::stopped || state_ == State::waiting) return;
  bool was_up = state_ == State::up;
  ++generation_;
  failures_.fetch_add(1, std::memory_order_relaxed);
  timer_.cancel();
  close_socket();
  state_ = State::waiting;
  if (was_up)
    spdlog::warn("redis {}: connection lost: {}", endpoint_.to_string(), reason);
  else if (attempt_ == 0)
    spdlog::warn("redis {}: cannot connect: {}", endpoint_.to_string(), reason);
  schedule_reconnect();
  owner_.on_link_down(reason);
}

void Link::close_socket() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Link::schedule_reconnect() {
  auto ceiling =
      std::min<std::chrono::milliseconds>(kMaxBackoff, kFirstBackoff * (1u << std::min(attempt_, 16u)));
  ++attempt_;
  std::uniform_int_distribution<std::int64_t> pick(0, ceiling.count());
  const std::uint64_t generation = generation_;
  timer_.expires_after(std::chrono::milliseconds(pick(random_)));
  timer_.async_wait([this, generation](const boost::system::error_code& error) {
    if (error || generation != generation_ || state_ != State::waiting) return;
    connect();
  });
}

}  // namespace herald::redis
