// Redis Cluster without sockets: which of the 16384 hash slots a key belongs to (CRC16 of its hash tag),
// which master serves each slot (from CLUSTER SLOTS), and the redirections a node answers with
// (-MOVED slot host:port, -ASK slot host:port).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/redis/redis_endpoint.hpp"
#include "engine/redis/resp.hpp"

namespace herald::redis {

inline constexpr std::size_t kSlotCount = 16384;

// The slot of `key`: CRC16 (XMODEM) of the part between the first '{' and the next '}' when that part
// is not empty, else of the whole key, modulo 16384 (the Redis Cluster specification).
std::uint16_t slot_of(std::string_view key);

struct Redirection {
  bool ask = false;  // ASK: this command only, after ASKING; MOVED: the slot has moved for good
  std::uint16_t slot = 0;
  std::string node;  // "host:port"
};

// The redirection an error reply carries, if it is one.
std::optional<Redirection> parse_redirection(std::string_view error);

// Which master serves each slot, by "host:port" (a slot keeps a small index into the list of masters).
class SlotTable {
 public:
  bool known() const { return known_; }
  // The master of `slot`; empty when unknown.
  const std::string& owner(std::uint16_t slot) const;
  void set(std::uint16_t slot, const std::string& node);
  // Takes the masters from a CLUSTER SLOTS reply; false (and the table unchanged) when it is not one. A
  // master that names no host is reached at `asked_host`, the host the reply came from.
  bool load(const Reply& cluster_slots, std::string_view asked_host);
  // Every master the table names, each once.
  std::vector<std::string> masters() const;

 private:
  static constexpr std::uint16_t kNobody = 0xFFFF;
  std::uint16_t index_of(const std::string& node);

  std::array<std::uint16_t, kSlotCount> owners_{};  // index into nodes_, or kNobody
  std::vector<std::string> nodes_;
  bool known_ = false;
};

}  // namespace herald::redis
