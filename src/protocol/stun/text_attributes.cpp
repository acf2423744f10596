// Length and UTF-8 checks of the text attributes (core/utf8).
#include "protocol/stun/text_attributes.hpp"

#include <stdexcept>
#include <string>

#include "core/utf8.hpp"

namespace herald::stun {

Attribute make_text_attribute(std::uint16_t type, std::string_view text) {
  if (text.size() > kMaxTextSendBytes || !is_valid_utf8(text)) {
    throw std::invalid_argument("STUN text attribute must be UTF-8 of fewer than 509 bytes");
  }
  return {type, std::string(text)};
}

std::optional<std::string_view> read_text_attribute(std::string_view value) {
  if (value.size() > kMaxTextReceiveBytes || !is_valid_utf8(value)) return std::nullopt;
  return value;
}

}  // namespace herald::stun
