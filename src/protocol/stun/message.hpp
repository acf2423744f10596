// A STUN message as values (RFC 8489 section 5): type, 96-bit transaction id and the attributes in wire
// order, each with its raw value. Typed readers and builders of attribute values are in the
// *_attributes headers; decode_message / encode_message turn a Message into bytes and back.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "protocol/stun/message_type.hpp"

namespace herald::stun {

inline constexpr std::uint32_t kMagicCookie = 0x2112A442;
inline constexpr std::size_t kHeaderSize = 20;
inline constexpr std::size_t kAttributeHeaderSize = 4;
inline constexpr std::size_t kMaxBodySize = 0xFFFF;  // the 16-bit length field, in whole 4-byte words
inline constexpr std::size_t kTransactionIdSize = 12;

using TransactionId = std::array<std::uint8_t, kTransactionIdSize>;

struct Attribute {
  std::uint16_t type = 0;
  std::string value;  // without padding

  friend bool operator==(const Attribute&, const Attribute&) = default;
};

struct Message {
  MessageType type;
  TransactionId transaction_id{};
  std::vector<Attribute> attributes;

  // The first attribute of `type` (the one that counts when an attribute repeats), or nullptr.
  const Attribute* find(std::uint16_t type) const;
  void add(Attribute attribute) { attributes.push_back(std::move(attribute)); }

  friend bool operator==(const Message&, const Message&) = default;
};

// An empty response to `request`: its method and transaction id, class success or error.
Message response_to(const Message& request, MessageClass response_class);

// A transaction id from OpenSSL's random generator (RFC 8489 section 6: uniformly and randomly chosen).
TransactionId random_transaction_id();

// The comprehension-required attribute types of `message` (0x0000-0x7FFF) that are neither known to this
// codec nor in `also_understood`, each once and in order of appearance: what a server puts in
// UNKNOWN-ATTRIBUTES when it answers 420 (Unknown Attribute).
std::vector<std::uint16_t> unknown_required_attributes(const Message& message,
                                                       std::span<const std::uint16_t> also_understood = {});

// Value bytes rounded up to the 4-byte boundary every attribute ends on.
constexpr std::size_t padded_size(std::size_t size) { return (size + 3) & ~std::size_t{3}; }

}  // namespace herald::stun
