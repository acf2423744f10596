// What one connection may signal (signaling.max_signal_bytes, signaling.signal_rate and
// signal_burst): each signal is checked for size and takes a token from the connection's bucket.
#pragma once
#include <optional>

#include "core/token_bucket.hpp"
#include "protocol/http/api_error.hpp"

namespace herald {

struct SignalLimits {
  std::size_t max_bytes = 16 * 1024;
  double rate = 20;         // signals a second; 0: no limit
  std::size_t burst = 100;  // 0: one second's worth
};

class SignalBudget {
 public:
  explicit SignalBudget(const SignalLimits& limits, double now);

  // nullopt when a signal whose data is `data_bytes` long may go now; else 413 too_large or
  // 429 rate_limited (with retry_after).
  std::optional<ApiError> take(std::size_t data_bytes, double now);

 private:
  SignalLimits limits_;
  TokenBucket bucket_;
};

}  // namespace herald
