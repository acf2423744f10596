// An HTTP request as the handlers see it: Beast's parsed message plus the decoded path and query
// parameters, the client's address and whether the request came over TLS.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

namespace http = boost::beast::http;
using HttpResponse = http::response<http::string_body>;

class HttpRequest {
 public:
  // Returns nullopt when the request target is neither a valid origin-form ("/path?query") nor an
  // absolute-form http(s) URL, or when its decoded path contains a NUL. An absolute-form target's
  // authority replaces the Host header. `secure`: the connection is TLS (https, wss).
  static std::optional<HttpRequest> from(http::request<http::string_body> message,
                                         boost::asio::ip::address remote, bool secure = false);

  const http::request<http::string_body>& message() const { return message_; }
  http::verb method() const { return message_.method(); }
  const std::string& path() const { return path_; }
  const std::string& body() const { return message_.body(); }
  std::string_view header(http::field field) const;
  std::string_view header(std::string_view name) const;
  // Every line of a header that may repeat, joined with ", " (the same list, RFC 9110 5.3).
  std::string header_list(http::field field) const;
  const boost::asio::ip::address& remote() const { return remote_; }
  bool secure() const { return secure_; }

  // The first value of query parameter `name`, or all of them.
  std::optional<std::string> param(std::string_view name) const;
  std::vector<std::string> params(std::string_view name) const;

 private:
  http::request<http::string_body> message_;
  boost::asio::ip::address remote_;
  bool secure_ = false;
  std::string path_;
  std::vector<std::pair<std::string, std::string>> query_;
};

}  // namespace herald
