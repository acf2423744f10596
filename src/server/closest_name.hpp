// The known name nearest to a misspelt one, for the "did you mean …?" hints of configuration messages.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

// The entry of `known` within a few typing mistakes (a letter missing, extra, wrong or two letters
// swapped) of `name`, the nearest one when several are; nullopt when none is that close.
std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& known);

}  // namespace herald
