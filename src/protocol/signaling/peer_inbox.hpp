// How a signal reaches its peer: every client that joins a room follows its own inbox, a channel named
// after its (unguessable) id that no client can name (the name is outside the channel alphabet), and a
// signal is a message published there. The engine carries it like any message, so a signal finds its
// peer on any worker and, with Redis, on any node.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace herald {

// The inbox channel of the client `peer_id`: "$peer:<id>".
std::string inbox_channel(std::string_view peer_id);

// The message data of a signal: {"room":…,"from":…,"data":…}, `data_json` being valid JSON text.
std::string signal_message_json(std::string_view room, std::string_view from, std::string_view data_json);

struct InboxSignal {
  std::string room;
  std::string push;  // {"op":"signal","room":…,"from":…,"data":…}: what the peer is sent
};

// The signal in an inbox message's data; nullopt for data that signal_message_json did not make.
std::optional<InboxSignal> read_signal_message(std::string_view data_json);

}  // namespace herald
