// STUN messages to bytes and back (RFC 8489 sections 5, 14 and 15). decode_message checks everything a
// receiver must before looking at attribute values, and reports the first problem as a DecodeError;
// encode_message writes the attributes of a Message and, on request, computes MESSAGE-INTEGRITY,
// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT at the end.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/stun/decode_error.hpp"
#include "protocol/stun/message.hpp"

namespace herald::stun {

struct DecodeOptions {
  // The RFC says padding bytes must be ignored, whatever their value (RFC 5769's samples pad with
  // spaces). Strict decoding refuses anything but zeros: then only canonical encodings decode.
  bool strict_padding = false;
};

// Decodes one whole message (a UDP datagram, or a frame cut by next_stream_frame). Checks, in order: the
// 20-byte header (size, leading zero bits, magic cookie, length field equal to the rest of the input and a
// multiple of 4), every attribute within the message, the sizes of the integrity and fingerprint
// attributes, FINGERPRINT last and matching. Attributes after MESSAGE-INTEGRITY other than
// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and after MESSAGE-INTEGRITY-SHA256 other than FINGERPRINT,
// are ignored (left out of the result), as the RFC requires. The integrity attributes are kept in the
// result with their raw values; verify them on the same bytes with verify_message_integrity.
std::variant<Message, DecodeError> decode_message(std::string_view bytes, const DecodeOptions& options = {});

struct EncodeOptions {
  // When set, MESSAGE-INTEGRITY (and/or MESSAGE-INTEGRITY-SHA256, per the flags) under this key.
  std::optional<std::string_view> integrity_key;
  bool integrity_sha1 = true;
  bool integrity_sha256 = false;
  bool fingerprint = false;
};

// The message's bytes: header, the attributes in order with zero padding, then the integrity
// attributes and FINGERPRINT the options ask for. Attributes of the message whose type is
// MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 or FINGERPRINT are not copied: those are computed, or left
// out. nullopt when the message does not fit the 16-bit length field (an attribute value over 65535
// bytes, or more than 65532 bytes of attributes in all).
std::optional<std::string> encode_message(const Message& message, const EncodeOptions& options = {});

}  // namespace herald::stun
