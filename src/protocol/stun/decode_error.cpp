// The phrases of DecodeError.
#include "protocol/stun/decode_error.hpp"

namespace herald::stun {

std::string_view describe(DecodeError error) {
  switch (error) {
    case DecodeError::truncated_header:
      return "shorter than a STUN header";
    case DecodeError::not_stun:
      return "first two bits are not zero";
    case DecodeError::bad_magic_cookie:
      return "wrong magic cookie";
    case DecodeError::length_mismatch:
      return "length field does not match the message size";
    case DecodeError::length_not_multiple_of_4:
      return "length field is not a multiple of 4";
    case DecodeError::attribute_overruns_message:
      return "attribute overruns the message";
    case DecodeError::nonzero_padding:
      return "attribute padding is not zero";
    case DecodeError::bad_integrity_length:
      return "MESSAGE-INTEGRITY has the wrong length";
    case DecodeError::bad_fingerprint_length:
      return "FINGERPRINT has the wrong length";
    case DecodeError::fingerprint_not_last:
      return "FINGERPRINT is not the last attribute";
    case DecodeError::fingerprint_mismatch:
      return "FINGERPRINT does not match";
  }
  return "malformed STUN message";
}

}  // namespace herald::stun
