// Gap JSON (see gap_json.hpp).
#include "protocol/gap_json.hpp"

#include <boost/json.hpp>

namespace herald {

std::string gap_to_json(const Gap& gap) {
  boost::json::object object;
  object["channel"] = gap.channel;
  object["requested"] = gap.requested;
  object["continue_from"] = gap.continue_from.to_string();
  return boost::json::serialize(object);
}

}  // namespace herald
