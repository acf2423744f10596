// base64url on OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock: translate the two alphabet characters and
// add or remove the padding around them.
#include "protocol/jwt/base64url.hpp"

#include <openssl/evp.h>

namespace herald {

std::string base64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

namespace {

bool is_base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// The standard-alphabet, padded form of `text`, or nullopt when `text` is not base64url.
std::optional<std::string> to_padded_base64(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string padded;
  padded.reserve(text.size() + 3);
  for (char c : text) {
    if (!is_base64url_char(c)) return std::nullopt;
    padded.push_back(c == '-' ? '+' : c == '_' ? '/' : c);
  }
  while (padded.size() % 4 != 0) padded.push_back('=');
  return padded;
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  auto padded = to_padded_base64(text);
  if (!padded) return std::nullopt;
  std::string out(padded->size() / 4 * 3, '\0');
  int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(padded->data()),
                                static_cast<int>(padded->size()));
  if (decoded < 0) return std::nullopt;
  std::size_t padding = padded->size() - text.size();
  out.resize(static_cast<std::size_t>(decoded) - padding);
  // A canonical encoding leaves no bits set after the last byte: re-encoding must give `text` back.
  if (base64url_encode(out) != text) return std::nullopt;
  return out;
}

}  // namespace herald
