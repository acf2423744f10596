// Lookups on a decoded message, responses, the 420 list, random transaction ids.
#include "protocol/stun/message.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "protocol/stun/attribute_type.hpp"

namespace herald::stun {

const Attribute* Message::find(std::uint16_t wanted) const {
  for (const auto& attribute : attributes) {
    if (attribute.type == wanted) return &attribute;
  }
  return nullptr;
}

Message response_to(const Message& request, MessageClass response_class) {
  return {{request.type.method, response_class}, request.transaction_id, {}};
}

TransactionId random_transaction_id() {
  TransactionId id;
  if (RAND_bytes(id.data(), static_cast<int>(id.size())) != 1) {
    throw std::runtime_error("random generator failed");
  }
  return id;
}

std::vector<std::uint16_t> unknown_required_attributes(const Message& message,
                                                       std::span<const std::uint16_t> also_understood) {
  std::vector<std::uint16_t> unknown;
  for (const auto& attribute : message.attributes) {
    std::uint16_t type = attribute.type;
    bool understood = attribute::is_known(type) || std::find(also_understood.begin(), also_understood.end(),
                                                             type) != also_understood.end();
    bool listed = std::find(unknown.begin(), unknown.end(), type) != unknown.end();
    if (attribute::is_comprehension_required(type) && !understood && !listed) unknown.push_back(type);
  }
  return unknown;
}

}  // namespace herald::stun
