// WebSocket client framing (see ws_frame.hpp).
#include "ws_frame.hpp"

#include <cstring>

namespace bench {
namespace {

constexpr std::uint64_t max_frame = 8u << 20;

void unmask(char* data, std::uint64_t n, const unsigned char* key) {
  for (std::uint64_t i = 0; i < n; ++i) data[i] = static_cast<char>(data[i] ^ key[i & 3]);
}

struct FrameHeader {
  bool fin = false;
  int opcode = 0;
  std::size_t header_size = 0;
  std::uint64_t length = 0;
  const unsigned char* mask = nullptr;
};

// need_more until the whole header is there.
ParseStatus read_header(std::string_view raw, FrameHeader& h) {
  if (raw.size() < 2) return ParseStatus::need_more;
  auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  h.fin = p[0] & 0x80;
  h.opcode = p[0] & 0x0f;
  bool masked = p[1] & 0x80;
  h.length = p[1] & 0x7f;
  std::size_t size = 2;
  std::size_t extra = h.length == 126 ? 2 : h.length == 127 ? 8 : 0;
  if (raw.size() < size + extra + (masked ? 4 : 0)) return ParseStatus::need_more;
  if (extra) {
    h.length = 0;
    for (std::size_t i = 0; i < extra; ++i) h.length = (h.length << 8) | p[2 + i];
  }
  size += extra;
  if (masked) h.mask = p + size;
  h.header_size = size + (masked ? 4 : 0);
  return h.length > max_frame ? ParseStatus::error : ParseStatus::done;
}

}  // namespace

void append_client_frame(std::string& out, int opcode, std::string_view payload, std::uint32_t mask) {
  out.push_back(static_cast<char>(0x80 | opcode));
  std::uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  unsigned char key[4];
  std::memcpy(key, &mask, 4);
  out.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ key[i & 3]));
}

std::string websocket_key(std::uint64_t random_a, std::uint64_t random_b) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned char bytes[18] = {};
  std::memcpy(bytes, &random_a, 8);
  std::memcpy(bytes + 8, &random_b, 8);
  std::string key;
  for (int i = 0; i < 18; i += 3) {
    unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int k = 3; k >= 0; --k) key.push_back(alphabet[(v >> (6 * k)) & 63]);
  }
  key.resize(22);
  key += "==";
  return key;
}

ParseStatus WsFrameDecoder::next(RecvBuffer& buf, WsEvent& event) {
  while (true) {
    FrameHeader h;
    std::string_view raw = buf.raw();
    if (auto s = read_header(raw, h); s != ParseStatus::done) return s;
    if (raw.size() - h.header_size < h.length) return ParseStatus::need_more;
    char* payload = buf.raw_data() + h.header_size;
    if (h.mask) unmask(payload, h.length, h.mask);
    if (h.opcode >= 8) {
      if (!h.fin || h.length > 125) return ParseStatus::error;
      event = {h.opcode, {payload, h.length}};
      release_raw_ = h.header_size + h.length;
      return ParseStatus::done;
    }
    bool continuation = h.opcode == ws_opcode::continuation;
    if (continuation == (message_opcode_ == 0) || h.opcode > 2) return ParseStatus::error;
    if (h.fin && !continuation) {  // the common case: a whole message in one frame, used in place
      event = {h.opcode, {payload, h.length}};
      release_raw_ = h.header_size + h.length;
      return ParseStatus::done;
    }
    if (!continuation) message_opcode_ = h.opcode;
    buf.drop_raw(h.header_size);
    buf.raw_to_body(h.length);
    if (h.fin) {
      event = {message_opcode_, buf.body()};
      message_opcode_ = 0;
      release_body_ = buf.body().size();
      return ParseStatus::done;
    }
  }
}

void WsFrameDecoder::release(RecvBuffer& buf) {
  buf.drop_raw(release_raw_);
  buf.consume_body(release_body_);
  release_raw_ = release_body_ = 0;
}

}  // namespace bench
