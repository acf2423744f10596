// JSON parsing that keeps every number exactly as the sender meant it. boost::json::parse turns an
// integer literal beyond 64 bits into a rounded double and an out-of-range literal into infinity, which
// serializes as `Infinity` (not JSON); here such numbers are found from their source text instead, and
// doubles are converted with correct rounding. Every JSON document herald takes from a publisher goes
// through parse_exact_json.
#pragma once
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/http/api_error.hpp"

namespace herald {

struct ExactJson {
  boost::json::value value;  // the document; null in place of each number that cannot be carried
  std::optional<std::string> unrepresentable;  // the source text of the first such number
};

// Parses `text` (standard JSON, default depth limit). A syntax error sets `ec`. A number that is neither
// a 64-bit integer (signed or unsigned) nor within the range of a finite double does not set `ec`: it is
// named in `unrepresentable` (see invalid_number_error).
ExactJson parse_exact_json(std::string_view text, boost::system::error_code& ec);

// 400 invalid_number for the number whose source text is `literal`.
ApiError invalid_number_error(std::string_view literal);

}  // namespace herald
