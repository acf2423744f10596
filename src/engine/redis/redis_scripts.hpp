// The server-side scripts of the Redis engine and the layout of a channel's keys. A channel is a meta
// hash (its epoch and last offset), a stream (its history, one entry per offset) and a sharded pub/sub
// topic, all carrying the channel's name as hash tag, so that on a cluster they live in one slot:
//
//   PREFIX:{channel}:m     hash   e = epoch, o = last offset
//   PREFIX:{channel}:s     stream entry id "<offset>-0", fields t (time ms), e (event), d (data JSON)
//   PREFIX:{channel}:i:K   string "epoch:offset" of the publish with idempotency key K, for the window
//   PREFIX:{channel}       the pub/sub topic of live messages
//
// Publishing and reading history are one script each, so each is atomic: two nodes publishing at once
// never get the same offset, and a channel whose meta hash is gone (evicted, flushed, lost with a
// restart) starts again under a new epoch with an empty stream.
#pragma once
#include <string>
#include <string_view>

namespace herald::redis {

struct Script {
  std::string source;
  std::string sha1;  // hex, for EVALSHA
};

// KEYS: meta, stream, idempotency key. ARGV: epoch for a new channel, time ms, event, data, history
// size, history ttl ms, idle ms, idempotency window ms (0: no key), topic.
// Returns {"epoch:offset", duplicate (0 or 1)}.
const Script& publish_script();

// KEYS: meta, stream. ARGV: epoch for a new channel, mode ("newest" | "since" | "unusable"), since epoch,
// since offset, limit, time ms, history ttl ms, idle ms, the time ms of the message at `since` as a feed
// delivered it ("": not checked; a different message there starts the channel again under a new epoch).
// Returns {epoch, last offset, position before the entries, gap (0 or 1), entries (XRANGE form)}.
const Script& history_script();

struct ChannelKeys {
  std::string meta;
  std::string stream;
  std::string topic;
  std::string idempotency_prefix;  // + key
};

ChannelKeys keys_of(std::string_view prefix, std::string_view channel);
// The channel of a topic, or empty when the topic is not one of PREFIX's.
std::string_view channel_of_topic(std::string_view prefix, std::string_view topic);

}  // namespace herald::redis
