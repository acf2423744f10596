// Appending JSON text pieces (strings, integers, cursors) to an output buffer without building a JSON
// value first: the encodings every published message and every publish answer are made of.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace herald {

// `text` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view text);

// A decimal integer.
void append_decimal(std::string& out, std::uint64_t value);
void append_decimal(std::string& out, std::int64_t value);

// "epoch:offset", the cursor's text (the same as Cursor::to_string, without a string of its own).
void append_cursor(std::string& out, std::string_view epoch, std::uint64_t offset);

}  // namespace herald
