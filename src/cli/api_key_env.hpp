// The API key the client tools publish with: the one given on the command line, else the server's own
// variable HERALD_PUBLISH_API_KEY, else HERALD_API_KEY (an empty variable counts as unset).
#pragma once
#include <string>

namespace herald::cli {

// "" when there is none.
std::string publisher_api_key(const std::string& given);

}  // namespace herald::cli
