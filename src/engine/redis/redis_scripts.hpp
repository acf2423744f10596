// The server-side scripts of the Redis engine and the layout of a channel's keys. A channel is a meta
// hash (its epoch and last offset), a stream (its history, one entry per offset) and a sharded pub/sub
// topic, all carrying the channel's name as hash tag, so that on a cluster they live in one slot:
//
//   PREFIX:{channel}:m     hash   e = epoch, o = last offset
//   PREFIX:{channel}:s     stream entry id "<offset>-0", fields t (time ms), e (event), d (data JSON)
//   PREFIX:{channel}:i:K   string "epoch:offset" of the publish with idempotency key K, for the window
//   PREFIX:{channel}       the pub/sub topic of live messages, and of presence frames
//   PREFIX:{channel}:p     hash   client id → presence entry (presence_codec.hpp)
//   PREFIX:{channel}:q     string the last join order given in the channel (gone with its last entry)
//
// Each herald node has a random id (a new one whenever Redis forgot it, see redis_presence.cpp), and
// keys of its own, in the slot of its id:
//
//   PREFIX:{node:ID}:a     string "1" with a TTL, refreshed while the node lives
//   PREFIX:{node:ID}:c     set    "<worker>:<channel>" for each channel a worker has clients present in
//   PREFIX:nodes           set    the ids of the nodes that may have presence entries
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

// KEYS: presence hash, order counter. ARGV: client id, node id, user, info JSON, topic. Adds or replaces
// the client's entry (a replaced entry keeps its place) and publishes a join frame for a new one.
// Returns {1 when added or 0 when replaced, the whole hash (HGETALL form)}.
const Script& join_script();

// KEYS: presence hash, order counter. ARGV: client id, topic. Removes the entry and publishes a leave
// frame when there was one. Returns 1 when it removed an entry, else 0.
const Script& leave_script();

// KEYS: presence hash, order counter. ARGV: node id, topic. Removes every entry of that node, with a
// leave frame for each (so several nodes may do it at once: each entry goes once). Returns the count.
const Script& evict_script();

// KEYS: a node's liveness key. ARGV: TTL ms. Sets it; returns 1 when it existed, 0 when it did not.
const Script& refresh_script();

struct ChannelKeys {
  std::string meta;
  std::string stream;
  std::string topic;
  std::string idempotency_prefix;  // + key
  std::string presence;
  std::string presence_order;
};

ChannelKeys keys_of(std::string_view prefix, std::string_view channel);

struct NodeKeys {
  std::string alive;
  std::string channels;
};

NodeKeys node_keys_of(std::string_view prefix, std::string_view node);
std::string nodes_key(std::string_view prefix);
// The channel of a topic, or empty when the topic is not one of PREFIX's.
std::string_view channel_of_topic(std::string_view prefix, std::string_view topic);

}  // namespace herald::redis
