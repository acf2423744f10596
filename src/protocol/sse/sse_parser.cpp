// SSE stream parser (see sse_parser.hpp).
#include "protocol/sse/sse_parser.hpp"

#include <charconv>

namespace herald::sse {

void Parser::feed(std::string_view bytes) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  for (char c : bytes) {
    if (bom_matched_ < kBom.size()) {  // a leading byte order mark is dropped, even split across feeds
      if (c == kBom[bom_matched_]) {
        ++bom_matched_;
        continue;
      }
      line_.append(kBom.substr(0, bom_matched_));
      bom_matched_ = kBom.size();
    }
    if (skip_newline_) {
      skip_newline_ = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      skip_newline_ = c == '\r';
      process_line(line_);
      line_.clear();
    } else {
      line_ += c;
    }
  }
}

void Parser::process_line(std::string_view line) {
  if (line.empty()) return dispatch();
  if (line.front() == ':') return;  // comment
  auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_ += value;
    has_data_ = true;
  } else if (field == "event") {
    event_ = value;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_event_id_ = value;
  } else if (field == "retry") {
    unsigned ms = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec == std::errc{} && end == value.data() + value.size() && !value.empty()) retry_ms_ = ms;
  }
}

void Parser::dispatch() {
  if (has_data_) on_event_(Event{last_event_id_, event_.empty() ? "message" : event_, data_});
  data_.clear();
  has_data_ = false;
  event_.clear();
}

}  // namespace herald::sse
