// Incremental HTTP/1.1 response parsing (see http_response.hpp).
#include "http_response.hpp"

#include <strings.h>

#include <algorithm>
#include <charconv>

namespace bench {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool icontains(std::string_view haystack, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i)
    if (iequals(haystack.substr(i, needle.size()), needle)) return true;
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

void apply_header(ResponseHead& head, std::string_view name, std::string_view value) {
  if (iequals(name, "content-length")) {
    std::uint64_t n = 0;
    if (std::from_chars(value.data(), value.data() + value.size(), n).ec == std::errc{})
      head.content_length = n;
  } else if (iequals(name, "transfer-encoding")) {
    head.chunked = icontains(value, "chunked");
  } else if (iequals(name, "connection")) {
    head.connection_close = icontains(value, "close");
  } else if (iequals(name, "last-modified")) {
    head.last_modified = value;
  } else if (iequals(name, "etag")) {
    head.etag = value;
  }
}

bool parse_status_line(std::string_view line, int& status) {
  if (!line.starts_with("HTTP/1.") || line.size() < 12) return false;
  return std::from_chars(line.data() + 9, line.data() + 12, status).ec == std::errc{};
}

}  // namespace

ParseStatus parse_response_head(RecvBuffer& buf, ResponseHead& head, std::size_t max_head) {
  std::string_view raw = buf.raw();
  auto end = raw.find("\r\n\r\n");
  if (end == std::string_view::npos)
    return raw.size() > max_head ? ParseStatus::error : ParseStatus::need_more;
  head = ResponseHead{};
  std::string_view text = raw.substr(0, end + 2);
  auto eol = text.find("\r\n");
  if (!parse_status_line(text.substr(0, eol), head.status)) return ParseStatus::error;
  text.remove_prefix(eol + 2);
  while (!text.empty()) {
    eol = text.find("\r\n");
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 2);
    auto colon = line.find(':');
    if (colon != std::string_view::npos)
      apply_header(head, trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  buf.drop_raw(end + 4);
  return ParseStatus::done;
}

void BodyDecoder::start(const ResponseHead& head, bool no_body) {
  chunk_ = Chunk::size_line;
  remaining_ = 0;
  if (no_body) {
    mode_ = Mode::none;
  } else if (head.chunked) {
    mode_ = Mode::chunked;
  } else if (head.content_length) {
    mode_ = Mode::length;
    remaining_ = *head.content_length;
  } else {
    mode_ = Mode::until_close;
  }
}

ParseStatus BodyDecoder::decode(RecvBuffer& buf) {
  switch (mode_) {
    case Mode::none:
      return ParseStatus::done;
    case Mode::until_close:
      buf.raw_to_body(buf.raw().size());
      return ParseStatus::need_more;
    case Mode::length: {
      auto n = std::min<std::uint64_t>(remaining_, buf.raw().size());
      buf.raw_to_body(n);
      remaining_ -= n;
      return remaining_ == 0 ? ParseStatus::done : ParseStatus::need_more;
    }
    case Mode::chunked:
      return decode_chunked(buf);
  }
  return ParseStatus::error;
}

ParseStatus BodyDecoder::decode_chunked(RecvBuffer& buf) {
  while (true) {
    std::string_view raw = buf.raw();
    if (chunk_ == Chunk::data) {
      auto n = std::min<std::uint64_t>(remaining_, raw.size());
      buf.raw_to_body(n);
      remaining_ -= n;
      if (remaining_ != 0) return ParseStatus::need_more;
      chunk_ = Chunk::data_end;
      continue;
    }
    auto eol = raw.find("\r\n");
    if (eol == std::string_view::npos) return raw.size() > 1024 ? ParseStatus::error : ParseStatus::need_more;
    std::string_view line = raw.substr(0, eol);
    buf.drop_raw(eol + 2);
    if (chunk_ == Chunk::data_end) {
      if (!line.empty()) return ParseStatus::error;
      chunk_ = Chunk::size_line;
    } else if (chunk_ == Chunk::trailer) {
      if (line.empty()) return ParseStatus::done;
    } else {
      auto r = std::from_chars(line.data(), line.data() + line.size(), remaining_, 16);
      if (r.ec != std::errc{}) return ParseStatus::error;
      chunk_ = remaining_ == 0 ? Chunk::trailer : Chunk::data;
    }
  }
}

}  // namespace bench
