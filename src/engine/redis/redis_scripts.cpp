// Redis engine scripts (see redis_scripts.hpp).
#include "engine/redis/redis_scripts.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace herald::redis {
namespace {

// Shared by both scripts. Offsets are Lua numbers (exact to 2^53) and are always written with %d: Lua's
// tostring would write large ones in exponent form. A message is expired when now - t > ttl, as in the
// memory engine; expired entries are trimmed from the head of the stream, 64 at a time. Every publish and
// history read runs the trim, and mostly nothing has expired: the head entry alone tells (reading 64
// entries each time cost more than the rest of the script).
constexpr std::string_view kCommon = R"lua(
local function offset_of(id) return tonumber(string.sub(id, 1, string.find(id, '-', 1, true) - 1)) end
local function trim_expired(stream, now, ttl)
  local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
  if #head == 0 or now - tonumber(head[1][2][2]) <= ttl then return end
  while true do
    local batch = redis.call('XRANGE', stream, '-', '+', 'COUNT', 64)
    if #batch == 0 then return end
    for _, entry in ipairs(batch) do
      if now - tonumber(entry[2][2]) <= ttl then
        redis.call('XTRIM', stream, 'MINID', entry[1])
        return
      end
    end
    redis.call('XTRIM', stream, 'MINID', string.format('%d-0', offset_of(batch[#batch][1]) + 1))
  end
end
local function channel_epoch(meta, stream, candidate)
  local epoch = redis.call('HGET', meta, 'e')
  if epoch then return epoch, tonumber(redis.call('HGET', meta, 'o')) end
  redis.call('DEL', stream)
  redis.call('HSET', meta, 'e', candidate, 'o', 0)
  return candidate, 0
end
)lua";

constexpr std::string_view kPublishBody = R"lua(
local meta, stream, idem = KEYS[1], KEYS[2], KEYS[3]
local now, size, ttl, idle, window = tonumber(ARGV[2]), ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8]
if window ~= '0' then
  local earlier = redis.call('GET', idem)
  if earlier then return {earlier, 1} end
end
local epoch = channel_epoch(meta, stream, ARGV[1])
local offset = redis.call('HINCRBY', meta, 'o', 1)
local added = redis.pcall('XADD', stream, 'MAXLEN', size, string.format('%d-0', offset), 't', ARGV[2], 'e', ARGV[3], 'd', ARGV[4])
if type(added) == 'table' and added.err then
  -- The stream is ahead of the meta hash (its keys were changed apart): the channel starts again under a
  -- new epoch, which subscribers see as a gap.
  redis.call('DEL', meta, stream)
  epoch = channel_epoch(meta, stream, ARGV[1])
  offset = redis.call('HINCRBY', meta, 'o', 1)
  redis.call('XADD', stream, 'MAXLEN', size, string.format('%d-0', offset), 't', ARGV[2], 'e', ARGV[3], 'd', ARGV[4])
end
trim_expired(stream, now, ttl)
redis.call('PEXPIRE', meta, idle)
redis.call('PEXPIRE', stream, idle)
local cursor = epoch .. ':' .. string.format('%d', offset)
if window ~= '0' then redis.call('SET', idem, cursor, 'PX', window) end
redis.call('SPUBLISH', ARGV[9], epoch .. '\n' .. string.format('%d', offset) .. '\n' .. ARGV[2] .. '\n' .. ARGV[3] .. '\n' .. ARGV[4])
return {cursor, 0}
)lua";

constexpr std::string_view kHistoryBody = R"lua(
local meta, stream = KEYS[1], KEYS[2]
local mode, limit, now, ttl, idle = ARGV[2], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local epoch, top = channel_epoch(meta, stream, ARGV[1])
redis.call('PEXPIRE', meta, idle)
redis.call('PEXPIRE', stream, idle)
trim_expired(stream, now, ttl)
local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
local first = top + 1
if #head > 0 then first = offset_of(head[1][1]) end
if mode == 'newest' then
  if limit == 0 then return {epoch, top, top, 0, {}} end
  local newest = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', limit)
  local entries = {}
  for i = #newest, 1, -1 do entries[#entries + 1] = newest[i] end
  local before = top
  if #entries > 0 then before = offset_of(entries[1][1]) - 1 end
  return {epoch, top, before, 0, entries}
end
local from, gap = first - 1, 1
local since = tonumber(ARGV[4])
if mode == 'since' and ARGV[3] == epoch and since ~= nil and ARGV[9] ~= '' then
  -- A feed checks the message it delivered last. If the channel is behind it, or holds another message at
  -- that offset, Redis lost writes that were delivered and new messages took their offsets: the channel
  -- starts again under a new epoch, so that every subscriber, on every node, sees a gap.
  local went_back = since > top
  if not went_back and since >= first then
    local at = redis.call('XRANGE', stream, string.format('%d-0', since), string.format('%d-0', since))
    went_back = #at > 0 and at[1][2][2] ~= ARGV[9]
  end
  if went_back then
    redis.call('DEL', stream)
    redis.call('HSET', meta, 'e', ARGV[1], 'o', 0)
    return {ARGV[1], 0, 0, 1, {}}
  end
end
if mode == 'since' and ARGV[3] == epoch and since ~= nil and since <= top and since + 1 >= first then
  from, gap = since, 0
end
if limit == 0 then return {epoch, top, from, gap, {}} end
return {epoch, top, from, gap, redis.call('XRANGE', stream, string.format('%d-0', from + 1), '+', 'COUNT', limit)}
)lua";

// The presence scripts share nothing with the channel scripts: they touch only the presence keys.
constexpr std::string_view kPresenceCommon = R"lua(
local function user_and_info(user, info) return string.format('%d', #user) .. '\n' .. user .. info end
local function after_node(entry)
  local first = string.find(entry, '\n', 1, true)
  local second = string.find(entry, '\n', first + 1, true)
  return string.sub(entry, first + 1, second - 1), string.sub(entry, second + 1)
end
local function forget(hash, counter, id, entry, topic)
  redis.call('HDEL', hash, id)
  if redis.call('HLEN', hash) == 0 then redis.call('DEL', counter) end
  local _, rest = after_node(entry)
  redis.call('SPUBLISH', topic, '!p\nl\n' .. id .. '\n' .. rest)
end
)lua";

constexpr std::string_view kJoinBody = R"lua(
local hash, counter = KEYS[1], KEYS[2]
local id, node, user, info, topic = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local old = redis.call('HGET', hash, id)
local order
if old then
  order = string.sub(old, 1, string.find(old, '\n', 1, true) - 1)
else
  order = string.format('%d', redis.call('INCR', counter))
end
redis.call('HSET', hash, id, order .. '\n' .. node .. '\n' .. user_and_info(user, info))
local added = 0
if not old then
  added = 1
  redis.call('SPUBLISH', topic, '!p\nj\n' .. id .. '\n' .. user_and_info(user, info))
end
return {added, redis.call('HGETALL', hash)}
)lua";

constexpr std::string_view kLeaveBody = R"lua(
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
forget(KEYS[1], KEYS[2], ARGV[1], old, ARGV[2])
return 1
)lua";

constexpr std::string_view kEvictBody = R"lua(
local all = redis.call('HGETALL', KEYS[1])
local removed = 0
for i = 1, #all, 2 do
  local node = after_node(all[i + 1])
  if node == ARGV[1] then
    forget(KEYS[1], KEYS[2], all[i], all[i + 1], ARGV[2])
    removed = removed + 1
  end
end
return removed
)lua";

constexpr std::string_view kRefreshBody = R"lua(
local existed = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return existed
)lua";

std::string hex_sha1(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1)
    throw std::runtime_error("SHA-1 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

Script make_script(std::string_view body, std::string_view common = kCommon) {
  std::string source = std::string(common) + std::string(body);
  std::string sha1 = hex_sha1(source);
  return Script{std::move(source), std::move(sha1)};
}

}  // namespace

const Script& publish_script() {
  static const Script script = make_script(kPublishBody);
  return script;
}

const Script& history_script() {
  static const Script script = make_script(kHistoryBody);
  return script;
}

const Script& join_script() {
  static const Script script = make_script(kJoinBody, kPresenceCommon);
  return script;
}

const Script& leave_script() {
  static const Script script = make_script(kLeaveBody, kPresenceCommon);
  return script;
}

const Script& evict_script() {
  static const Script script = make_script(kEvictBody, kPresenceCommon);
  return script;
}

const Script& refresh_script() {
  static const Script script = make_script(kRefreshBody, "");
  return script;
}

ChannelKeys keys_of(std::string_view prefix, std::string_view channel) {
  std::string tagged = std::string(prefix) + ":{" + std::string(channel) + "}";
  return ChannelKeys{tagged + ":m", tagged + ":s", tagged, tagged + ":i:", tagged + ":p", tagged + ":q"};
}

NodeKeys node_keys_of(std::string_view prefix, std::string_view node) {
  std::string tagged = std::string(prefix) + ":{node:" + std::string(node) + "}";
  return NodeKeys{tagged + ":a", tagged + ":c"};
}

std::string nodes_key(std::string_view prefix) { return std::string(prefix) + ":nodes"; }

std::string_view channel_of_topic(std::string_view prefix, std::string_view topic) {
  if (topic.size() < prefix.size() + 3 || topic.substr(0, prefix.size()) != prefix) return {};
  std::string_view rest = topic.substr(prefix.size());
  if (!rest.starts_with(":{") || !rest.ends_with("}")) return {};
  return rest.substr(2, rest.size() - 3);
}

}  // namespace herald::redis
