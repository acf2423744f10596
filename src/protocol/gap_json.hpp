// The JSON form of a gap signal, the same on every transport: {"channel":…,"requested":…,"continue_from":…}
#pragma once
#include <string>

#include "core/gap.hpp"

namespace herald {

std::string gap_to_json(const Gap& gap);

}  // namespace herald
