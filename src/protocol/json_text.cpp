// JSON text pieces (see json_text.hpp).
#include "protocol/json_text.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <charconv>

namespace herald {
namespace {

// A byte that stands for itself inside a JSON string: printable ASCII other than the quote and the
// backslash. (Channel names, epochs and event names only have such bytes.)
bool needs_no_escape(char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  if (std::all_of(text.begin(), text.end(), needs_no_escape)) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  out += boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

void append_decimal(std::string& out, std::uint64_t value) { append_integer(out, value); }

void append_decimal(std::string& out, std::int64_t value) { append_integer(out, value); }

void append_cursor(std::string& out, std::string_view epoch, std::uint64_t offset) {
  out += epoch;
  out += ':';
  append_decimal(out, offset);
}

}  // namespace herald
