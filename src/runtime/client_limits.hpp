// Limits per client address, shared by every worker ([limits] *_per_ip, docs/security.md): how many
// connections one address may hold open, how many it may open a second, and how many publishes and
// commands it may send a second (token buckets). IPv6 clients are counted by network
// (limits.ipv6_prefix, /64 by default), since one host is usually given a whole /64.
//
// Entries are kept only while an address has open connections or a bucket that is not yet full again;
// sweep() forgets the rest. A client that cannot be tracked because the table is full is let through
// (the server-wide server.max_connections still holds).
#pragma once
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <variant>

#include "core/token_bucket.hpp"
#include "runtime/config.hpp"

namespace herald {

enum class ClientLimit { connections, connection_rate, publish_rate, command_rate, count };

// The name a limit has in metrics and errors: "connections", "connection_rate", ...
std::string_view limit_name(ClientLimit limit);

// Why a client was refused, and when it may try again (0 for the connection count: when one closes).
struct LimitRefusal {
  ClientLimit limit;
  double retry_after_seconds = 0;
};

// An address as the table keys it: 16 bytes, IPv4 as IPv4-mapped IPv6, IPv6 cut to its network.
using ClientKey = std::array<unsigned char, 16>;

class ClientLimits;

// A client's place in its address's connection count, given back when the ticket goes.
class ClientTicket {
 public:
  ClientTicket() = default;
  ClientTicket(ClientTicket&& other) noexcept;
  ClientTicket& operator=(ClientTicket&& other) noexcept;
  ~ClientTicket();
  // Whether it holds a place for `key`.
  bool holds(const ClientKey& key) const { return owner_ != nullptr && key_ == key; }

 private:
  friend class ClientLimits;
  ClientTicket(ClientLimits* owner, const ClientKey& key) : owner_(owner), key_(key) {}
  ClientLimits* owner_ = nullptr;
  ClientKey key_{};
};

class ClientLimits {
 public:
  explicit ClientLimits(const Config& config);
  ClientLimits(const ClientLimits&) = delete;
  ClientLimits& operator=(const ClientLimits&) = delete;

  ClientKey key_of(const boost::asio::ip::address& address) const;
  // Whether new connections are limited at all (else admit always gives an empty ticket, at no cost).
  bool limits_connections() const { return max_connections_ > 0 || connection_rate_ > 0; }
  bool limits(ClientLimit bucket) const;

  // Counts a new connection from `key`: a ticket to hold while it is open, or why it is refused.
  std::variant<ClientTicket, LimitRefusal> admit(const ClientKey& key, double now);
  // Takes a token of `bucket` (publish_rate or command_rate) for `key`; the refusal when there is none.
  std::optional<LimitRefusal> take(ClientLimit bucket, const ClientKey& key, double now);
  // Forgets addresses with nothing open and every bucket full again.
  void sweep(double now);
  std::size_t tracked() const;

  // Seconds on the steady clock, the time every caller passes.
  static double now();

 private:
  friend class ClientTicket;
  struct Bucket {
    double rate = 0;
    double burst = 0;
  };
  static Bucket rate_of(Rate rate, std::size_t burst);
  struct Entry {
    std::size_t connections = 0;
    std::optional<TokenBucket> buckets[3];  // connection_rate, publish_rate, command_rate; made when used
    bool idle(double now) const;
  };
  struct KeyHash {
    std::size_t operator()(const ClientKey& key) const noexcept;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<ClientKey, Entry, KeyHash> entries;
  };
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kMaxEntriesPerShard = 65536;

  Shard& shard_of(const ClientKey& key);
  // The entry of `key`, made if need be; nullptr when the shard is full even after a sweep.
  Entry* entry(Shard& shard, const ClientKey& key, double now);
  std::optional<LimitRefusal> take_locked(Entry& entry, ClientLimit bucket, double now);
  void release(const ClientKey& key);

  std::size_t max_connections_;
  double connection_rate_;
  Bucket rates_[3];
  unsigned ipv6_prefix_;
  std::array<Shard, kShards> shards_;
};

}  // namespace herald
