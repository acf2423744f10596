// The demo backend's lines on stderr. It shares that stream with the server under scripts/run.sh, and
// an unbuffered std::cerr writes every piece of a chained << on its own, so each line is put together
// first and leaves in one write: the server's log lines never land inside one of the backend's.
#pragma once

#include <initializer_list>
#include <string_view>

namespace herald::cli {

/// Writes "demo-backend: " + each part + "\n" to stderr in one write.
void demo_log(std::initializer_list<std::string_view> parts);

}  // namespace herald::cli
