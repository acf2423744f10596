// base64url on the standard base64 coder (protocol/base64): translate the two alphabet characters and
// add or remove the padding around them.
#include "protocol/jwt/base64url.hpp"

#include "protocol/base64.hpp"

namespace herald {

std::string base64url_encode(std::string_view bytes) {
  std::string out = base64_encode(bytes);
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
  // base64_decode insists on a canonical encoding, so `text` is the unpadded base64url of what it gives.
  return base64_decode(*padded);
}

}  // namespace herald
