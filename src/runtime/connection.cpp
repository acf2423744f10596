// Connection registry (see connection.hpp).
#include "runtime/connection.hpp"

namespace herald {

void ConnectionRegistry::add(Connection& connection) {
  connection.previous_ = nullptr;
  connection.next_ = head_;
  if (head_ != nullptr) head_->previous_ = &connection;
  head_ = &connection;
  ++size_;
}

void ConnectionRegistry::remove(Connection& connection) {
  if (connection.previous_ != nullptr)
    connection.previous_->next_ = connection.next_;
  else if (head_ == &connection)
    head_ = connection.next_;
  else
    return;  // not registered
  if (connection.next_ != nullptr) connection.next_->previous_ = connection.previous_;
  connection.previous_ = connection.next_ = nullptr;
  --size_;
}

}  // namespace herald
