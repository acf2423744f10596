// Fuzz target: parse_exact_json, the parser of every JSON document a publisher sends. Checks that a
// document without unrepresentable numbers serializes to JSON that parses back to the same value.
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/http/exact_json.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

// Whether every double in `value` is finite (what serialize must never lose).
bool all_finite(const boost::json::value& value) {
  if (value.is_double()) return std::isfinite(value.get_double());
  if (value.is_array()) {
    for (const auto& item : value.get_array())
      if (!all_finite(item)) return false;
  }
  if (value.is_object()) {
    for (const auto& member : value.get_object())
      if (!all_finite(member.value())) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  herald::ExactJson parsed = herald::parse_exact_json(text, ec);
  if (ec) return 0;
  if (parsed.unrepresentable) {
    herald::invalid_number_error(*parsed.unrepresentable);
    return 0;
  }
  require(all_finite(parsed.value));
  std::string printed = boost::json::serialize(parsed.value);
  boost::system::error_code again_ec;
  herald::ExactJson again = herald::parse_exact_json(printed, again_ec);
  require(!again_ec && !again.unrepresentable);
  require(again.value == parsed.value);
  return 0;
}
