// HTTP request view (see http_request.hpp).
#include "protocol/http/http_request.hpp"

#include <boost/url/parse.hpp>

namespace herald {

namespace {

// The target as a URL: origin-form ("/path?query") or absolute-form ("http://host[:port]/path?query",
// RFC 9112 section 3.2.2).
std::optional<boost::urls::url_view> target_url(std::string_view target) {
  if (target.starts_with('/')) {
    auto url = boost::urls::parse_origin_form(target);
    return url ? std::optional(*url) : std::nullopt;
  }
  auto url = boost::urls::parse_absolute_uri(target);
  if (!url ||
      (url->scheme_id() != boost::urls::scheme::http && url->scheme_id() != boost::urls::scheme::https) ||
      url->has_userinfo() || url->encoded_host().empty())
    return std::nullopt;
  return *url;
}

}  // namespace

std::optional<HttpRequest> HttpRequest::from(http::request<http::string_body> message,
                                             boost::asio::ip::address remote, bool secure) {
  auto url = target_url(message.target());
  if (!url) return std::nullopt;
  HttpRequest request;
  request.path_ = url->path().empty() ? "/" : std::string(url->path());
  // A NUL would cut the path short for every C function it reaches (open("index.html\0.js")).
  if (request.path_.find('\0') != std::string::npos) return std::nullopt;
  for (auto param : url->params()) request.query_.emplace_back(param.key, param.value);
  // With an absolute-form target, its authority is the host, whatever Host says (RFC 9112 section 7.2).
  if (url->has_authority()) {
    std::string authority(url->encoded_authority());
    message.set(http::field::host, authority);
  }
  request.message_ = std::move(message);
  request.remote_ = remote;
  request.secure_ = secure;
  return request;
}

std::string_view HttpRequest::header(http::field field) const {
  auto it = message_.find(field);
  return it == message_.end() ? std::string_view() : std::string_view(it->value());
}

std::string_view HttpRequest::header(std::string_view name) const {
  auto it = message_.find(name);
  return it == message_.end() ? std::string_view() : std::string_view(it->value());
}

std::string HttpRequest::header_list(http::field field) const {
  std::string joined;
  auto [begin, end] = message_.equal_range(field);
  for (auto it = begin; it != end; ++it) {
    if (!joined.empty()) joined += ", ";
    joined += std::string_view(it->value());
  }
  return joined;
}

std::optional<std::string> HttpRequest::param(std::string_view name) const {
  for (const auto& [key, value] : query_)
    if (key == name) return value;
  return std::nullopt;
}

std::vector<std::string> HttpRequest::params(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : query_)
    if (key == name) values.push_back(value);
  return values;
}

}  // namespace herald
