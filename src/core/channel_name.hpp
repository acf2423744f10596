// Channel and event names: what herald accepts as the name of a channel or of a message's event.
#pragma once
#include <string_view>

namespace herald {

inline constexpr std::size_t kMaxChannelNameBytes = 255;
inline constexpr std::size_t kMaxEventNameBytes = 64;
inline constexpr std::string_view kDefaultEventName = "message";

// 1-255 bytes of [A-Za-z0-9_.:@=-].
bool is_valid_channel_name(std::string_view name);

// 1-64 bytes of the channel alphabet, and not one of the names herald uses itself ("gap", "close").
bool is_valid_event_name(std::string_view name);

}  // namespace herald
