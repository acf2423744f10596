// Network-order (big-endian) reads and writes of 16- and 32-bit fields, for the STUN and ChannelData
// codecs. Reads take a pointer the caller has bounds-checked.
#pragma once
#include <cstdint>
#include <string>

namespace herald::stun {

inline std::uint16_t read_u16(const char* at) {
  auto p = reinterpret_cast<const unsigned char*>(at);
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

inline std::uint32_t read_u32(const char* at) {
  auto p = reinterpret_cast<const unsigned char*>(at);
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

inline void append_u16(std::string& out, std::uint16_t value) {
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value & 0xFF));
}

inline void append_u32(std::string& out, std::uint32_t value) {
  append_u16(out, static_cast<std::uint16_t>(value >> 16));
  append_u16(out, static_cast<std::uint16_t>(value & 0xFFFF));
}

inline void write_u16(char* at, std::uint16_t value) {
  at[0] = static_cast<char>(value >> 8);
  at[1] = static_cast<char>(value & 0xFF);
}

}  // namespace herald::stun
