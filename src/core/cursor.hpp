// A position in one channel's stream: "epoch:offset". The only thing a client needs to resume.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald {

struct Cursor {
  std::string epoch;
  std::uint64_t offset = 0;

  std::string to_string() const;
  bool operator==(const Cursor&) const = default;
};

// Where a client asks to resume from: the text it sent (reported back in a gap) and the cursor it holds,
// nullopt when the text is not a cursor (which resumes with a gap, like any cursor outside history).
struct ResumePoint {
  std::string text;
  std::optional<Cursor> cursor;

  static ResumePoint from_text(std::string_view text);
  static ResumePoint from_cursor(const Cursor& cursor) { return {cursor.to_string(), cursor}; }
};

// Parses "epoch:offset"; epoch is 1-32 bytes of [A-Za-z0-9], offset a decimal without sign.
std::optional<Cursor> parse_cursor(std::string_view text);

}  // namespace herald
