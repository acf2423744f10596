// permessage-deflate (RFC 7692) payload transforms with zlib, negotiated without context takeover in
// both directions: every message is compressed on its own, so one compressed copy serves every
// subscriber, and one inflater per thread serves every connection.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace herald::ws {

// Raw deflate of a whole message, sync-flushed, without the trailing 00 00 FF FF (RFC 7692 7.2.1).
std::string deflate_message(std::string_view payload);

enum class InflateStatus { ok, corrupt, too_big };

// Inflates a message compressed as above into `out`; stops at `max_size` bytes of output.
InflateStatus inflate_message(std::string_view compressed, std::size_t max_size, std::string& out);

}  // namespace herald::ws
