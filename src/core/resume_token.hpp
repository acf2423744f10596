// The resume token of a multi-channel stream (the SSE `id:`): one cursor per channel of the stream, in the
// order the client listed the channels, joined by ','. For a one-channel stream it is just the cursor.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cursor.hpp"

namespace herald {

// Splits a token into `channel_count` parts. A token with another number of parts cannot be matched to
// the channels: every part then carries the whole token and no cursor (which resumes with a gap).
std::vector<ResumePoint> split_resume_token(std::string_view token, std::size_t channel_count);

std::string format_resume_token(const std::vector<Cursor>& cursors);

}  // namespace herald
