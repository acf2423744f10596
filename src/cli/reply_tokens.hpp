// The simulated AI reply of the token streaming demo: a deterministic text made from the prompt (the same
// prompt always gives the same reply), cut into tokens the way a language model streams them.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace herald::cli {

// The whole reply to `prompt`.
std::string simulated_reply(std::string_view prompt);

// `text` as tokens: each word with the space before it, and each punctuation mark on its own. Joined
// together they give `text` back. Bytes of multi-byte UTF-8 characters stay inside words.
std::vector<std::string> split_tokens(std::string_view text);

}  // namespace herald::cli
