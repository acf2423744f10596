// The callback that completes an engine operation: move-only, called exactly once with the outcome.
// It holds an Asio any_completion_handler (type-erased, allocated through Asio's recycling allocator);
// this wrapper only gives it a safe move assignment, which Boost 1.81's own is not (it copies the
// source into a new wrapper instead of taking it over).
#pragma once
#include <boost/asio/any_completion_handler.hpp>
#include <type_traits>
#include <utility>

namespace herald {

template <typename Outcome>
class Completion {
 public:
  Completion() = default;
  template <typename Handler, typename = std::enable_if_t<!std::is_same_v<std::decay_t<Handler>, Completion>>>
  Completion(Handler&& handler) : handler_(std::forward<Handler>(handler)) {}  // NOLINT: implicit by design
  Completion(Completion&& other) noexcept : handler_(std::move(other.handler_)) {}
  Completion& operator=(Completion&& other) noexcept {
    Handler taken(std::move(other.handler_));
    handler_.swap(taken);
    return *this;
  }
  Completion(const Completion&) = delete;
  Completion& operator=(const Completion&) = delete;

  explicit operator bool() const { return static_cast<bool>(handler_); }

  // Calls the handler with `outcome`; the completion is empty afterwards.
  void operator()(Outcome outcome) && {
    Handler handler(std::move(handler_));
    std::move(handler)(std::move(outcome));
  }

 private:
  using Handler = boost::asio::any_completion_handler<void(Outcome)>;
  Handler handler_;
};

}  // namespace herald
