// permessage-deflate with zlib (see deflate.hpp).
#include "protocol/ws/deflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace herald::ws {
namespace {

// One deflater and one inflater per thread, reset for every message.
struct Deflater {
  z_stream stream{};
  Deflater() {
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("zlib deflateInit2 failed");
  }
  ~Deflater() { deflateEnd(&stream); }
};

struct Inflater {
  z_stream stream{};
  Inflater() {
    if (inflateInit2(&stream, -15) != Z_OK) throw std::runtime_error("zlib inflateInit2 failed");
  }
  ~Inflater() { inflateEnd(&stream); }
};

constexpr unsigned char kTail[] = {0x00, 0x00, 0xFF, 0xFF};

}  // namespace

std::string deflate_message(std::string_view payload) {
  thread_local Deflater deflater;
  z_stream& z = deflater.stream;
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
