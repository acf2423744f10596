// Channel and event name validation (see channel_name.hpp).
#include "core/channel_name.hpp"

namespace herald {
namespace {

bool is_name_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == ':' || c == '@' || c == '=' || c == '-';
}

bool is_name(std::string_view name, std::size_t max_bytes) {
  if (name.empty() || name.size() > max_bytes) return false;
  for (char c : name)
    if (!is_name_byte(c)) return false;
  return true;
}

}  // namespace

bool is_valid_channel_name(std::string_view name) { return is_name(name, kMaxChannelNameBytes); }

bool is_valid_event_name(std::string_view name) {
  return is_name(name, kMaxEventNameBytes) && name != "gap" && name != "close";
}

}  // namespace herald
