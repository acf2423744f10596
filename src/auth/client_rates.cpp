// Per-address limits as errors (see client_rates.hpp).
#include "auth/client_rates.hpp"

#include <fmt/format.h>

namespace herald {

ApiError limit_error(const Config& config, const LimitRefusal& refusal) {
  auto too_many = http::status::too_many_requests;
  switch (refusal.limit) {
    case ClientLimit::connections:
      return {too_many, "too_many_connections",
              fmt::format("this address already has {} connections open (limits.connections_per_ip)",
                          config.connections_per_ip)};
    case ClientLimit::connection_rate:
      return {too_many, "rate_limited",
              fmt::format("too many new connections from this address (limits.connection_rate_per_ip = {}/s)",
                          config.connection_rate_per_ip.per_second),
              refusal.retry_after_seconds};
    case ClientLimit::publish_rate:
      return {too_many, "rate_limited",
              fmt::format("too many publishes from this address (limits.publish_rate_per_ip = {}/s)",
                          config.publish_rate_per_ip.per_second),
              refusal.retry_after_seconds};
    case ClientLimit::command_rate:
    case ClientLimit::count:
      break;
  }
  return {too_many, "rate_limited",
          fmt::format("too many requests from this address (limits.command_rate_per_ip = {}/s)",
                      config.command_rate_per_ip.per_second),
          refusal.retry_after_seconds};
}

std::optional<ApiError> ClientRates::take(ClientLimit bucket) {
  if (worker_ == nullptr) return std::nullopt;
  auto& limits = worker_->state().client_limits;
  if (!limits.limits(bucket)) return std::nullopt;
  auto refusal = limits.take(bucket, key_, ClientLimits::now());
  if (!refusal) return std::nullopt;
  worker_->metrics().client_limited(refusal->limit);
  return limit_error(worker_->config(), *refusal);
}

}  // namespace herald
