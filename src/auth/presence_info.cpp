// Presence info (see presence_info.hpp).
#include "auth/presence_info.hpp"

namespace herald {

Parsed<std::string> presence_info(const Identity& identity, std::string client_info, std::size_t max_bytes) {
  std::string info =
      identity.token && !identity.token->info.empty() ? identity.token->info : std::move(client_info);
  if (info.size() > max_bytes)
    return ApiError{
        http::status::payload_too_large, "too_large",
        "presence info is over presence.max_info_bytes (" + std::to_string(max_bytes) + " bytes)"};
  return info;
}

}  // namespace herald
