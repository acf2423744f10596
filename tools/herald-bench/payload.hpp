// The benchmark message: {"s":<sequence in its channel, from 1>,"t":<send time, ns since the
// epoch>,"p":"xxxx"} padded to a fixed size, and the in-place scanner that finds (s, t) pairs in whatever a
// subscriber receives (an SSE event, a WS text frame, a long-poll JSON body holding several messages).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

struct Stamp {
  std::uint64_t seq = 0;
  std::int64_t sent_ns = 0;
};

// Writes the payload into `out` (cleared first; no allocation once its capacity is reached).
void write_payload(std::string& out, std::uint64_t seq, std::int64_t sent_ns, std::size_t size);

namespace detail {
enum class Found { none, bad_number, number };
// Finds `key` at or after pos and parses the integer after it; pos moves past what was read.
inline Found read_number_after(std::string_view text, std::string_view key, std::size_t& pos,
                               std::int64_t& value) {
  auto at = text.find(key, pos);
  if (at == std::string_view::npos) return Found::none;
  pos = at + key.size();
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), value);
  if (ec != std::errc{}) return Found::bad_number;
  pos = static_cast<std::size_t>(end - text.data());
  return Found::number;
}
}  // namespace detail

// Calls on_stamp(Stamp) for every "s":N ... "t":N pair in `text`, in order. Returns how many were found.
template <typename OnStamp>
int scan_stamps(std::string_view text, OnStamp&& on_stamp) {
  int found = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t seq = 0;
    std::int64_t sent = 0;
    auto s = detail::read_number_after(text, R"("s":)", pos, seq);
    if (s == detail::Found::none) break;
    if (s == detail::Found::bad_number) continue;
    auto t = detail::read_number_after(text, R"("t":)", pos, sent);
    if (t == detail::Found::none) break;
    if (t == detail::Found::bad_number) continue;
    on_stamp(Stamp{static_cast<std::uint64_t>(seq), sent});
    ++found;
  }
  return found;
}

}  // namespace bench
