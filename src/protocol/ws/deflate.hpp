// permessage-deflate (RFC 7692) payload transforms with zlib, negotiated without context takeover in
// both directions: every message is compressed on its own, so one compressed copy per window size serves
// every subscriber, and one inflater per thread serves every connection.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace herald::ws {

// The LZ77 window sizes (in bits: 2^bits bytes) herald compresses with. RFC 7692 allows 8 to 15, but
// zlib cannot make raw deflate with an 8-bit window (it refuses it, or silently uses 9), so herald
// compresses with 9 to 15 and declines offers that limit it to 8.
inline constexpr int kMinWindowBits = 9;
inline constexpr int kMaxWindowBits = 15;

// Raw deflate of a whole message with a window of `window_bits` (kMinWindowBits to kMaxWindowBits,
// otherwise std::invalid_argument), sync-flushed, without the trailing 00 00 FF FF (RFC 7692 7.2.1).
std::string deflate_message(std::string_view payload, int window_bits = kMaxWindowBits);

enum class InflateStatus { ok, corrupt, too_big };

// Inflates a message compressed as above into `out`; stops at `max_size` bytes of output.
InflateStatus inflate_message(std::string_view compressed, std::size_t max_size, std::string& out);

}  // namespace herald::ws
