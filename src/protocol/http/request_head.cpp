// Request head checks (see request_head.hpp).
#include "protocol/http/request_head.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>
#include <string_view>
#include <vector>

namespace herald {
namespace {

constexpr unsigned kHttp11 = 11;

ApiError bad_request(std::string message) {
  return {http::status::bad_request, "bad_request", std::move(message)};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The transfer codings of every Transfer-Encoding line, in order (empty list elements are skipped, as
// RFC 9110 section 5.6.1 asks).
std::vector<std::string_view> transfer_codings(const http::request_header<>& head) {
  std::vector<std::string_view> codings;
  auto [begin, end] = head.equal_range(http::field::transfer_encoding);
  for (auto line = begin; line != end; ++line) {
    std::string_view value = line->value();
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = std::min(value.find(',', start), value.size());
      std::string_view coding = trim(value.substr(start, comma - start));
      if (!coding.empty()) codings.push_back(coding);
      start = comma + 1;
    }
  }
  return codings;
}

bool is_chunked(std::string_view coding) { return boost::beast::iequals(coding, "chunked"); }

// Only `chunked`, alone, is a body herald can read; anything else would leave the body's end unknown.
std::optional<ApiError> check_transfer_encoding(const http::request_header<>& head) {
  if (head.find(http::field::transfer_encoding) == head.end()) return std::nullopt;
  if (head.version() < kHttp11) return bad_request("Transfer-Encoding is not allowed in an HTTP/1.0 request");
  if (head.find(http::field::content_length) != head.end())
    return bad_request("a request must not carry both Transfer-Encoding and Content-Length");
  auto codings = transfer_codings(head);
  if (codings.empty() || !is_chunked(codings.back()))
    return bad_request("the last transfer coding of a request must be chunked");
  if (codings.size() == 1) return std::nullopt;
  for (std::size_t i = 0; i + 1 < codings.size(); ++i)
    if (is_chunked(codings[i])) return bad_request("chunked may be applied to a request only once");
  return ApiError{http::status::not_implemented, "not_implemented",
                  "herald decodes no transfer coding but chunked"};
}

std::optional<ApiError> check_host(const http::request_header<>& head) {
  auto [begin, end] = head.equal_range(http::field::host);
  std::size_t count = std::distance(begin, end);
  if (count == 0)
    return head.version() >= kHttp11 ? std::optional(bad_request("an HTTP/1.1 request needs a Host header"))
                                     : std::nullopt;
  if (count > 1) return bad_request("a request must carry one Host header, not " + std::to_string(count));
  std::string_view host = begin->value();
  if (host.empty()) return std::nullopt;  // allowed when the target has no authority (RFC 9112 3.2)
  auto authority = boost::urls::parse_authority(host);
  if (!authority || authority->has_userinfo() || authority->host().empty())
    return bad_request("the Host header is not a valid host[:port]");
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> check_request_head(const http::request_header<>& head) {
  if (auto error = check_transfer_encoding(head)) return error;
  return check_host(head);
}

}  // namespace herald
