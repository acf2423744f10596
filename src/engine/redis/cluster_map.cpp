// Redis Cluster slots (see cluster_map.hpp).
#include "engine/redis/cluster_map.hpp"

#include <algorithm>
#include <boost/crc.hpp>
#include <charconv>

namespace herald::redis {
namespace {

// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR.
using Crc16 = boost::crc_optimal<16, 0x1021, 0, 0, false, false>;

std::optional<unsigned> parse_unsigned(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view hash_part(std::string_view key) {
  auto open = key.find('{');
  if (open == std::string_view::npos) return key;
  auto close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

}  // namespace

std::uint16_t slot_of(std::string_view key) {
  std::string_view part = hash_part(key);
  Crc16 crc;
  crc.process_bytes(part.data(), part.size());
  return static_cast<std::uint16_t>(crc.checksum() % kSlotCount);
}

std::optional<Redirection> parse_redirection(std::string_view error) {
  Redirection redirection;
  if (error.starts_with("MOVED ")) {
    error.remove_prefix(6);
  } else if (error.starts_with("ASK ")) {
    error.remove_prefix(4);
    redirection.ask = true;
  } else {
    return std::nullopt;
  }
  auto space = error.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto slot = parse_unsigned(error.substr(0, space));
  if (!slot || *slot >= kSlotCount || space + 1 >= error.size()) return std::nullopt;
  redirection.slot = static_cast<std::uint16_t>(*slot);
  redirection.node = std::string(error.substr(space + 1));
  return redirection;
}

const std::string& SlotTable::owner(std::uint16_t slot) const {
  static const std::string kUnknown;
  std::uint16_t index = owners_[slot];
  return index == kNobody || !known_ ? kUnknown : nodes_[index];
}

std::uint16_t SlotTable::index_of(const std::string& node) {
  auto it = std::find(nodes_.begin(), nodes_.end(), node);
  if (it != nodes_.end()) return static_cast<std::uint16_t>(it - nodes_.begin());
  nodes_.push_back(node);
  return static_cast<std::uint16_t>(nodes_.size() - 1);
}

void SlotTable::set(std::uint16_t slot, const std::string& node) {
  if (!known_) {
    owners_.fill(kNobody);
    known_ = true;
  }
  owners_[slot] = index_of(node);
}

bool SlotTable::load(const Reply& cluster_slots, std::string_view asked_host) {
  if (!cluster_slots.is_array()) return false;
  std::array<std::uint16_t, kSlotCount> owners;
  owners.fill(kNobody);
  std::vector<std::string> nodes;
  for (const auto& range : cluster_slots.elements) {
    // [start, end, [host, port, id, ...], replicas...]
    if (!range.is_array() || range.elements.size() < 3 || !range.elements[2].is_array()) return false;
    const auto& master = range.elements[2].elements;
    if (master.size() < 2 || master[1].type != Reply::Type::integer) return false;
    long long start = range.elements[0].integer, end = range.elements[1].integer;
    if (start < 0 || end >= static_cast<long long>(kSlotCount) || start > end) return false;
    std::string host = master[0].text;
    if (host.empty() || host == "?") host = asked_host;
    std::string node = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                       std::to_string(master[1].integer);
    auto it = std::find(nodes.begin(), nodes.end(), node);
    if (it == nodes.end()) it = nodes.insert(nodes.end(), node);
    auto index = static_cast<std::uint16_t>(it - nodes.begin());
    for (long long slot = start; slot <= end; ++slot) owners[static_cast<std::size_t>(slot)] = index;
  }
  owners_ = owners;
  nodes_ = std::move(nodes);
  known_ = true;
  return true;
}

std::vector<std::string> SlotTable::masters() const {
  std::vector<std::string> used;
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (std::find(owners_.begin(), owners_.end(), static_cast<std::uint16_t>(i)) != owners_.end())
      used.push_back(nodes_[i]);
  return used;
}

}  // namespace herald::redis
