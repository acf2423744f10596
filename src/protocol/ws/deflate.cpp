// permessage-deflate with zlib (see deflate.hpp).
#include "protocol/ws/deflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <string>

namespace herald::ws {
namespace {

// One deflater per window size and one inflater per thread, reset for every message.
struct Deflater {
  z_stream stream{};
  explicit Deflater(int window_bits) {
    // zlib's default memory level: 8 (of 1 to 9).
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("zlib deflateInit2 failed");
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
  ~Deflater() { deflateEnd(&stream); }
};

// This thread's deflater for `window_bits`, made when first needed.
z_stream& deflater_for(int window_bits) {
  if (window_bits < kMinWindowBits || window_bits > kMaxWindowBits)
    throw std::invalid_argument("no deflate window of " + std::to_string(window_bits) + " bits");
  thread_local std::array<std::unique_ptr<Deflater>, kMaxWindowBits - kMinWindowBits + 1> deflaters;
  auto& deflater = deflaters[window_bits - kMinWindowBits];
  if (!deflater) deflater = std::make_unique<Deflater>(window_bits);
  return deflater->stream;
}

struct Inflater {
  z_stream stream{};
  Inflater() {
    if (inflateInit2(&stream, -15) != Z_OK) throw std::runtime_error("zlib inflateInit2 failed");
  }
  ~Inflater() { inflateEnd(&stream); }
};

constexpr unsigned char kTail[] = {0x00, 0x00, 0xFF, 0xFF};

}  // namespace

std::string deflate_message(std::string_view payload, int window_bits) {
  z_stream& z = deflater_for(window_bits);
  deflateReset(&z);
  const std::size_t bound = deflateBound(&z, static_cast<uLong>(payload.size())) + 16;
  if (bound > (std::size_t{1} << 31)) throw std::length_error("message too large to compress");
  std::string out(bound, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(payload.data()));
  z.avail_in = static_cast<uInt>(payload.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_SYNC_FLUSH);
  out.resize(bound - std::min<std::size_t>(z.avail_out, bound));
  if (out.size() >= 4 && out.compare(out.size() - 4, 4, reinterpret_cast<const char*>(kTail), 4) == 0)
    out.resize(out.size() - 4);
  return out;
}

InflateStatus inflate_message(std::string_view compressed, std::size_t max_size, std::string& out) {
  thread_local Inflater inflater;
  z_stream& z = inflater.stream;
  inflateReset(&z);
  out.clear();
  std::string input(compressed);
  input.append(reinterpret_cast<const char*>(kTail), sizeof(kTail));
  z.next_in = reinterpret_cast<Bytef*>(input.data());
  z.avail_in = static_cast<uInt>(input.size());
  char chunk[16384];
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof(chunk);
    int result = inflate(&z, Z_SYNC_FLUSH);
    std::size_t produced = sizeof(chunk) - z.avail_out;
    if (result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR) return InflateStatus::corrupt;
    out.append(chunk, produced);
    if (out.size() > max_size) return InflateStatus::too_big;
    if (result == Z_STREAM_END || (z.avail_in == 0 && z.avail_out != 0)) return InflateStatus::ok;
    if (result == Z_BUF_ERROR && produced == 0) return InflateStatus::corrupt;  // no progress possible
  }
}

}  // namespace herald::ws
