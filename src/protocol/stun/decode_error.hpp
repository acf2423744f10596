// Why bytes are not a well-formed STUN message (decode_message), as a value: decoding never throws and
// never reads outside its input.
#pragma once
#include <string_view>

namespace herald::stun {

enum class DecodeError {
  truncated_header,            // fewer than the 20 bytes of the header
  not_stun,                    // the first two bits are not zero
  bad_magic_cookie,            // bytes 4-7 are not 0x2112A442
  length_mismatch,             // 20 + the length field is not the size of the input
  length_not_multiple_of_4,    // the length field: every attribute is padded to 4 bytes (a cut padding)
  attribute_overruns_message,  // an attribute's length goes past the end of the message
  nonzero_padding,             // padding bytes not zero (only with DecodeOptions::strict_padding)
  bad_integrity_length,        // MESSAGE-INTEGRITY not 20 bytes; -SHA256 not 16-32 bytes in steps of 4
  bad_fingerprint_length,      // FINGERPRINT not 4 bytes
  fingerprint_not_last,        // an attribute follows FINGERPRINT
  fingerprint_mismatch,        // FINGERPRINT is not the CRC-32 of the message before it
};

// A short English phrase, for logs and error reason phrases ("attribute overruns the message").
std::string_view describe(DecodeError error);

}  // namespace herald::stun
