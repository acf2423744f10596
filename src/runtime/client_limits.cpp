// Per-address limits (see client_limits.hpp).
#include "runtime/client_limits.hpp"

#include <chrono>
#include <string_view>

#include "protocol/net/address_range.hpp"

namespace herald {
namespace {

constexpr std::size_t bucket_index(ClientLimit bucket) {
  return static_cast<std::size_t>(bucket) - static_cast<std::size_t>(ClientLimit::connection_rate);
}

}  // namespace

// A burst of 0 means "as many as the rate allows in one second", and at least one.
ClientLimits::Bucket ClientLimits::rate_of(Rate rate, std::size_t burst) {
  return {rate.per_second, burst > 0 ? static_cast<double>(burst) : std::max(1.0, rate.per_second)};
}

std::string_view limit_name(ClientLimit limit) {
  switch (limit) {
    case ClientLimit::connections:
      return "connections";
    case ClientLimit::connection_rate:
      return "connection_rate";
    case ClientLimit::publish_rate:
      return "publish_rate";
    case ClientLimit::command_rate:
    case ClientLimit::count:
      break;
  }
  return "command_rate";
}

ClientTicket::ClientTicket(ClientTicket&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), key_(other.key_) {}

ClientTicket& ClientTicket::operator=(ClientTicket&& other) noexcept {
  std::swap(owner_, other.owner_);
  std::swap(key_, other.key_);
  return *this;
}

ClientTicket::~ClientTicket() {
  if (owner_ != nullptr) owner_->release(key_);
}

bool ClientLimits::Entry::idle(double now) const {
  if (connections > 0) return false;
  for (const auto& bucket : buckets)
    if (bucket && !bucket->full(now)) return false;
  return true;
}

std::size_t ClientLimits::KeyHash::operator()(const ClientKey& key) const noexcept {
  return std::hash<std::string_view>()(
      std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

ClientLimits::ClientLimits(const Config& config)
    : max_connections_(config.connections_per_ip),
      connection_rate_(config.connection_rate_per_ip.per_second),
      rates_{rate_of(config.connection_rate_per_ip, config.connection_burst_per_ip),
             rate_of(config.publish_rate_per_ip, config.publish_burst_per_ip),
             rate_of(config.command_rate_per_ip, config.command_burst_per_ip)},
      ipv6_prefix_(config.ipv6_prefix) {}

double ClientLimits::now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ClientKey ClientLimits::key_of(const boost::asio::ip::address& address) const {
  auto client = unmapped(address);
  if (client.is_v4())
    return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, client.to_v4()).to_bytes();
  ClientKey key = client.to_v6().to_bytes();
  for (unsigned i = 0; i < key.size(); ++i) {
    unsigned kept = ipv6_prefix_ > i * 8 ? std::min(8u, ipv6_prefix_ - i * 8) : 0;
    key[i] &= static_cast<unsigned char>(kept == 0 ? 0 : 0xFF << (8 - kept));
  }
  return key;
}

bool ClientLimits::limits(ClientLimit bucket) const {
  if (bucket == ClientLimit::connections) return max_connections_ > 0;
  return rates_[bucket_index(bucket)].rate > 0;
}

ClientLimits::Shard& ClientLimits::shard_of(const ClientKey& key) {
  return shards_[KeyHash()(key) % kShards];
}

ClientLimits::Entry* ClientLimits::entry(Shard& shard, const ClientKey& key, double now) {
  auto found = shard.entries.find(key);
  if (found != shard.entries.end()) return &found->second;
  if (shard.entries.size() >= kMaxEntriesPerShard) {
    std::erase_if(shard.entries, [now](auto& item) { return item.second.idle(now); });
    if (shard.entries.size() >= kMaxEntriesPerShard) return nullptr;
  }
  return &shard.entries[key];
}

std::optional<LimitRefusal> ClientLimits::take_locked(Entry& entry, ClientLimit bucket, double now) {
  const Bucket& rate = rates_[bucket_index(bucket)];
  if (rate.rate <= 0) return std::nullopt;
  auto& tokens = entry.buckets[bucket_index(bucket)];
  if (!tokens) tokens.emplace(rate.rate, rate.burst, now);
  if (tokens->take(now)) return std::nullopt;
  return LimitRefusal{bucket, tokens->wait_seconds(now)};
}

std::variant<ClientTicket, LimitRefusal> ClientLimits::admit(const ClientKey& key, double now) {
  if (!limits_connections()) return ClientTicket();
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  Entry* found = entry(shard, key, now);
  if (found == nullptr) return ClientTicket();
  if (max_connections_ > 0 && found->connections >= max_connections_)
    return LimitRefusal{ClientLimit::connections, 0};
  if (auto refusal = take_locked(*found, ClientLimit::connection_rate, now)) return *refusal;
  ++found->connections;
  return ClientTicket(this, key);
}

std::optional<LimitRefusal> ClientLimits::take(ClientLimit bucket, const ClientKey& key, double now) {
  if (!limits(bucket)) return std::nullopt;
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  Entry* found = entry(shard, key, now);
  if (found == nullptr) return std::nullopt;
  return take_locked(*found, bucket, now);
}

void ClientLimits::release(const ClientKey& key) {
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  auto found = shard.entries.find(key);
  if (found == shard.entries.end()) return;
  if (found->second.connections > 0) --found->second.connections;
  if (found->second.idle(now())) shard.entries.erase(found);
}

void ClientLimits::sweep(double now) {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    std::erase_if(shard.entries, [now](auto& item) { return item.second.idle(now); });
  }
}

std::size_t ClientLimits::tracked() const {
  std::size_t total = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.entries.size();
  }
  return total;
}

}  // namespace herald
