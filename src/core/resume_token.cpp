// Resume token parsing and formatting (see resume_token.hpp).
#include "core/resume_token.hpp"

namespace herald {

std::vector<ResumePoint> split_resume_token(std::string_view token, std::size_t channel_count) {
  std::vector<ResumePoint> parts;
  std::size_t start = 0;
  while (true) {
    auto comma = token.find(',', start);
    std::string_view part = token.substr(start, comma == std::string_view::npos ? comma : comma - start);
    parts.push_back(ResumePoint::from_text(part));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (parts.size() != channel_count) {
    // The token does not belong to this list of channels: keep the text for the gap report, drop cursors.
    std::vector<ResumePoint> unusable(channel_count, ResumePoint{std::string(token), std::nullopt});
    return unusable;
  }
  return parts;
}

std::string format_resume_token(const std::vector<Cursor>& cursors) {
  std::string token;
  for (const auto& cursor : cursors) {
    if (!token.empty()) token += ',';
    token += cursor.to_string();
  }
  return token;
}

}  // namespace herald
