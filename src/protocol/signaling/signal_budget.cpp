// Signal budgets (see signal_budget.hpp).
#include "protocol/signaling/signal_budget.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace herald {
namespace {

double burst_of(const SignalLimits& limits) {
  return limits.burst > 0 ? static_cast<double>(limits.burst) : std::max(1.0, limits.rate);
}

}  // namespace

SignalBudget::SignalBudget(const SignalLimits& limits, double now)
    : limits_(limits), bucket_(limits.rate, burst_of(limits), now) {}

std::optional<ApiError> SignalBudget::take(std::size_t data_bytes, double now) {
  if (data_bytes > limits_.max_bytes)
    return ApiError{
        http::status::payload_too_large, "too_large",
        fmt::format("signal data is over signaling.max_signal_bytes ({} bytes)", limits_.max_bytes)};
  if (limits_.rate <= 0 || bucket_.take(now)) return std::nullopt;
  return ApiError{
      http::status::too_many_requests, "rate_limited",
      fmt::format("too many signals on this connection (signaling.signal_rate = {}/s)", limits_.rate),
      bucket_.wait_seconds(now)};
}

}  // namespace herald
