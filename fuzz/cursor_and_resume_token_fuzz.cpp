// Fuzz target: cursors ("epoch:offset") and multi-channel resume tokens, as clients send them in `since`
// and Last-Event-ID. Checks that a parsed cursor prints back to what it parsed (up to leading zeros of the
// offset), that splitting gives one resume point per channel, and that a token made of parsed cursors
// splits back into them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/cursor.hpp"
#include "core/resume_token.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

// `text` without the leading zeros of its offset ("e:007" -> "e:7").
std::string canonical(std::string_view text) {
  auto colon = text.find(':');
  std::string_view digits = text.substr(colon + 1);
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return std::string(text.substr(0, colon + 1)) + std::string(digits);
}

void check_cursor(std::string_view text) {
  auto cursor = herald::parse_cursor(text);
  if (!cursor) return;
  std::string printed = cursor->to_string();
  require(printed == canonical(text));
  require(herald::parse_cursor(printed) == cursor);
  require(herald::ResumePoint::from_text(text).cursor == cursor);
}

void check_token(std::string_view token, std::size_t channel_count) {
  auto parts = herald::split_resume_token(token, channel_count);
  require(parts.size() == channel_count);
  std::vector<herald::Cursor> cursors;
  for (const auto& part : parts) {
    if (!part.cursor) return;
    cursors.push_back(*part.cursor);
  }
  auto again = herald::split_resume_token(herald::format_resume_token(cursors), channel_count);
  for (std::size_t i = 0; i < cursors.size(); ++i) require(again[i].cursor == cursors[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the number of channels (1-16); the rest is the text.
  std::size_t channel_count = data[0] % 16 + 1;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  check_cursor(text);
  check_token(text, channel_count);
  return 0;
}
