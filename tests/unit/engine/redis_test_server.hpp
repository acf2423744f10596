// A real redis-server for the engine tests: started once per test program on a free loopback port with
// a temporary directory and no persistence, stopped (by its PID) when the program ends. nullptr when
// redis-server is not installed, so that Redis tests can be skipped on a machine without it.
#pragma once
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace herald::testing {

class RedisTestServer {
 public:
  // The shared server, started at the first call.
  static RedisTestServer* get() {
    static std::unique_ptr<RedisTestServer> server = start();
    return server.get();
  }

  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  unsigned short port() const { return port_; }

  ~RedisTestServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

 private:
  static std::unique_ptr<RedisTestServer> start() {
    auto server = std::unique_ptr<RedisTestServer>(new RedisTestServer());
    server->port_ = free_port();
    server->dir_ = std::filesystem::temp_directory_path() / ("herald-redis-" + std::to_string(server->port_));
    std::filesystem::create_directories(server->dir_);
    std::string port = std::to_string(server->port_);
    std::string dir = server->dir_.string();
    std::string log = (server->dir_ / "redis.log").string();
    const char* argv[] = {"redis-server", "--port",    port.c_str(),   "--bind", "127.0.0.1",
                          "--save",       "",          "--appendonly", "no",     "--dir",
                          dir.c_str(),    "--logfile", log.c_str(),    nullptr};
    if (::posix_spawnp(&server->pid_, "redis-server", nullptr, nullptr, const_cast<char* const*>(argv),
                       environ) != 0) {
      server->pid_ = 0;
      return nullptr;  // not installed
    }
    if (!server->wait_until_listening()) return nullptr;
    return server;
  }

  static unsigned short free_port() {
    boost::asio::io_context context;
    boost::asio::ip::tcp::acceptor probe(context, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return probe.local_endpoint().port();
  }

  bool wait_until_listening() const {
    for (int attempt = 0; attempt < 100; ++attempt) {  // up to 5 s
      boost::asio::io_context context;
      boost::asio::ip::tcp::socket socket(context);
      boost::system::error_code error;
      socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, error);
      if (!error) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  RedisTestServer() = default;
  unsigned short port_ = 0;
  std::filesystem::path dir_;
  pid_t pid_ = 0;
};

}  // namespace herald::testing
