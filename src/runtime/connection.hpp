// The connections a worker thread must be able to reach: at shutdown (to end them cleanly) and once a
// second (heartbeats, stream lifetimes). An intrusive list, so registering costs no allocation.
#pragma once
#include <chrono>
#include <cstddef>

namespace herald {

class ConnectionRegistry;

class Connection {
 public:
  // The server is shutting down: finish what is in flight, tell the client, close.
  virtual void on_shutdown() = 0;
  // Called every Worker::kTickInterval (a quarter of a second).
  virtual void on_tick(std::chrono::steady_clock::time_point) {}

 protected:
  ~Connection() = default;

 private:
  friend class ConnectionRegistry;
  Connection* previous_ = nullptr;
  Connection* next_ = nullptr;
};

class ConnectionRegistry {
 public:
  void add(Connection& connection);
  void remove(Connection& connection);
  // Calls `function` on every connection; connections may remove themselves meanwhile.
  template <typename Function>
  void for_each(Function&& function) {
    for (Connection* c = head_; c != nullptr;) {
      Connection* next = c->next_;
      function(*c);
      c = next;
    }
  }
  std::size_t size() const { return size_; }

 private:
  Connection* head_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace herald
