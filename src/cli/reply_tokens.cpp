// Simulated AI reply (see reply_tokens.hpp).
#include "cli/reply_tokens.hpp"

#include <array>
#include <cstdint>

namespace herald::cli {
namespace {

// How much of the prompt the reply quotes.
constexpr std::size_t kQuotedPromptBytes = 80;

constexpr std::array<std::string_view, 10> kSentences = {
    "Each token you see is one message on a channel made for this request, and the page reads that channel "
    "over Server-Sent Events.",
    "Every message carries a cursor, so a page that loses its connection resumes after the last token it "
    "showed instead of starting again.",
    "The tokens arrive in the order they were published, each exactly once, even across a reconnect.",
    "A real deployment would put a language model behind the same channel; the browser side would not "
    "change at all.",
    "Streaming a reply lets the reader start before the answer is finished, which makes a slow model feel "
    "fast.",
    "herald keeps the last messages of the channel, so a second tab opened now could replay this whole "
    "answer from the beginning.",
    "Nothing here needs a WebSocket: plain HTTP streaming is enough for one-way traffic like this.",
    "When the reply is complete, a final done event tells the page how many tokens there were.",
    "The generator publishes a few tokens every hundred milliseconds through the HTTP publish API.",
    "If the history of the channel were gone, the page would be told of the gap rather than showing a "
    "reply with holes in it.",
};
constexpr std::size_t kSentencesPerReply = 4;

// FNV-1a: a stable hash, the same on every machine and run.
std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

// At most `limit` bytes of `text`, cut before a UTF-8 continuation byte never inside a character.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// The prompt on one line: runs of whitespace become one space, no space at either end.
std::string one_line(std::string_view text) {
  std::string line;
  bool space = false;
  for (char c : text) {
    bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (blank) {
      space = !line.empty();
      continue;
    }
    if (space) line.push_back(' ');
    space = false;
    line.push_back(c);
  }
  return line;
}

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
}

}  // namespace

std::string simulated_reply(std::string_view prompt) {
  std::string quoted = one_line(prompt);
  std::string_view shown = utf8_prefix(quoted, kQuotedPromptBytes);
  std::string reply = "This is a simulated reply to \"" + std::string(shown) +
                      (shown.size() < quoted.size() ? "...\"." : "\".");
  std::uint64_t hash = stable_hash(quoted);
  std::size_t index = hash % kSentences.size();
  std::size_t step = 1 + (hash >> 8) % (kSentences.size() - 1);
  std::array<bool, kSentences.size()> used{};
  for (std::size_t picked = 0; picked < kSentencesPerReply; ++picked) {
    while (used[index]) index = (index + 1) % kSentences.size();  // a step may come back to a sentence
    used[index] = true;
    reply += ' ';
    reply += kSentences[index];
    index = (index + step) % kSentences.size();
  }
  return reply;
}

std::vector<std::string> split_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] == ' ') ++i;  // the spaces go with what follows
    if (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i]))) {
      while (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    } else if (i < text.size()) {
      ++i;  // one punctuation mark
    }
    tokens.emplace_back(text.substr(start, i - start));
  }
  return tokens;
}

}  // namespace herald::cli
