// base64 on OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock. EVP_DecodeBlock accepts more than canonical
// base64 (it skips surrounding whitespace and counts padding as zero bytes), so decoding checks the
// alphabet itself and asks for the re-encoding to match.
#include "protocol/base64.hpp"

#include <openssl/evp.h>

namespace herald {

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

namespace {

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// Whether `text` is made of alphabet characters followed by at most two '=', in groups of four.
bool has_base64_shape(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  std::size_t data_end = text.find_last_not_of('=') + 1;  // 0 when empty or all padding
  if (text.size() - data_end > 2) return false;
  for (std::size_t i = 0; i < data_end; ++i) {
    if (!is_base64_char(text[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  if (!has_base64_shape(text)) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int decoded =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (decoded < 0) return std::nullopt;
  std::size_t padding = text.size() - (text.find_last_not_of('=') + 1);
  out.resize(static_cast<std::size_t>(decoded) - padding);
  // A canonical encoding leaves no bits set after the last byte: re-encoding must give `text` back.
  if (base64_encode(out) != text) return std::nullopt;
  return out;
}

}  // namespace herald
