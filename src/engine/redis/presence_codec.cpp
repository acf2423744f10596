// Presence entries and frames of the Redis engine (see presence_codec.hpp).
#include "engine/redis/presence_codec.hpp"

#include <algorithm>
#include <charconv>

namespace herald::redis {
namespace {

constexpr std::string_view kFrameStart = "!p\n";

// The text up to the next '\n' of `rest`, which then starts after it; nullopt when there is none.
std::optional<std::string_view> take_line(std::string_view& rest) {
  std::size_t end = rest.find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end + 1);
  return line;
}

std::optional<std::uint64_t> number_of(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "<user length>\n<user><info>" into `client`; false when malformed.
bool read_user_and_info(std::string_view rest, PresenceClient& client) {
  auto length_text = take_line(rest);
  if (!length_text) return false;
  auto length = number_of(*length_text);
  if (!length || *length > rest.size()) return false;
  client.user = std::string(rest.substr(0, *length));
  client.info_json = std::string(rest.substr(*length));
  return true;
}

}  // namespace

std::optional<PresenceEntry> decode_presence_entry(std::string_view client_id, std::string_view value) {
  PresenceEntry entry;
  auto order_text = take_line(value);
  auto node = take_line(value);
  if (!order_text || !node) return std::nullopt;
  auto order = number_of(*order_text);
  if (!order || client_id.empty() || !read_user_and_info(value, entry.client)) return std::nullopt;
  entry.order = *order;
  entry.node = std::string(*node);
  entry.client.id = std::string(client_id);
  return entry;
}

PresenceClients presence_list(const std::vector<std::string_view>& fields_and_values) {
  std::vector<PresenceEntry> entries;
  for (std::size_t i = 0; i + 1 < fields_and_values.size(); i += 2)
    if (auto entry = decode_presence_entry(fields_and_values[i], fields_and_values[i + 1]))
      entries.push_back(std::move(*entry));
  std::sort(entries.begin(), entries.end(),
            [](const PresenceEntry& a, const PresenceEntry& b) { return a.order < b.order; });
  PresenceClients clients;
  clients.reserve(entries.size());
  for (auto& entry : entries) clients.push_back(std::move(entry.client));
  return clients;
}

bool is_presence_frame(std::string_view payload) { return payload.starts_with(kFrameStart); }

std::optional<PresenceEvent> decode_presence_frame(std::string_view channel, std::string_view payload) {
  if (!is_presence_frame(payload)) return std::nullopt;
  payload.remove_prefix(kFrameStart.size());
  auto change = take_line(payload);
  auto id = take_line(payload);
  if (!change || !id || id->empty() || (*change != "j" && *change != "l")) return std::nullopt;
  PresenceEvent event;
  event.channel = std::string(channel);
  event.change = *change == "j" ? PresenceChange::join : PresenceChange::leave;
  event.client.id = std::string(*id);
  if (!read_user_and_info(payload, event.client)) return std::nullopt;
  return event;
}

}  // namespace herald::redis
