// The UTF-8 text attributes: USERNAME, REALM, NONCE and SOFTWARE (RFC 8489 sections 14.3, 14.9, 14.10,
// 14.14). A sender writes fewer than 509 bytes; a receiver accepts up to 763 (what RFC 5389 allowed).
// The RFC's character limits (fewer than 128 for REALM, NONCE, SOFTWARE) are not counted here.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/stun/message.hpp"

namespace herald::stun {

inline constexpr std::size_t kMaxTextSendBytes = 508;
inline constexpr std::size_t kMaxTextReceiveBytes = 763;

// `type` is attribute::username, realm, nonce or software. Throws std::invalid_argument when `text` is not
// UTF-8 or longer than kMaxTextSendBytes: the values a server sends are its own (configuration,
// generated nonces), so that is a bug or a configuration check that was missed.
Attribute make_text_attribute(std::uint16_t type, std::string_view text);

// The text of such a value; nullopt when it is not UTF-8 or longer than kMaxTextReceiveBytes.
std::optional<std::string_view> read_text_attribute(std::string_view value);

}  // namespace herald::stun
