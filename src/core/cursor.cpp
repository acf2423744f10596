// Cursor formatting and parsing (see cursor.hpp).
#include "core/cursor.hpp"

#include <charconv>

namespace herald {

std::string Cursor::to_string() const { return epoch + ':' + std::to_string(offset); }

std::optional<Cursor> parse_cursor(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 32) return std::nullopt;
  std::string_view epoch = text.substr(0, colon);
  for (char c : epoch) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) return std::nullopt;
  }
  std::string_view digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  std::uint64_t offset = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return Cursor{std::string(epoch), offset};
}

ResumePoint ResumePoint::from_text(std::string_view text) { return {std::string(text), parse_cursor(text)}; }

}  // namespace herald
