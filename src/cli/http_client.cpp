// Command-line HTTP client (see http_client.hpp).
#include "cli/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace herald::cli {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

std::optional<ServerUrl> parse_server_url(std::string_view text) {
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url || url->scheme() != "http" || url->host().empty()) return std::nullopt;
  std::string host = url->host();
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return ServerUrl{host, url->has_port() ? std::string(url->port()) : "80"};
}

std::string to_string(const ServerUrl& url) {
  bool ipv6 = url.host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + url.host + "]" : url.host) + ":" + url.port;
}

namespace {

beast::tcp_stream connect(asio::io_context& context, const ServerUrl& url) {
  try {
    tcp::resolver resolver(context);
    beast::tcp_stream stream(context);
    stream.connect(resolver.resolve(url.host, url.port));
    return stream;
  } catch (const boost::system::system_error& error) {
    throw ConnectionError("cannot connect to " + to_string(url) + ": " + error.code().message());
  }
}

// Runs one exchange on a connected stream, turning a broken connection into a ConnectionError.
template <typename Exchange>
auto exchange(const ServerUrl& url, Exchange&& run) {
  try {
    return run();
  } catch (const boost::system::system_error& error) {
    throw ConnectionError("connection to " + to_string(url) + " failed: " + error.code().message());
  }
}

template <typename Body>
void add_headers(http::request<Body>& request, const ServerUrl& url, const Headers& headers) {
  request.set(http::field::host, to_string(url).substr(std::string_view("http://").size()));
  request.set(http::field::user_agent, "herald-cli");
  for (const auto& [name, value] : headers) request.set(name, value);
}

HttpReply round_trip(const ServerUrl& url, http::request<http::string_body>& request) {
  asio::io_context context;
  auto stream = connect(context, url);
  request.prepare_payload();
  return exchange(url, [&] {
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return HttpReply{response.result_int(), response.body()};
  });
}

}  // namespace

HttpReply post(const ServerUrl& url, const std::string& target, const std::string& body,
               const Headers& headers) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  add_headers(request, url, headers);
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  return round_trip(url, request);
}

HttpReply get(const ServerUrl& url, const std::string& target, const Headers& headers) {
  http::request<http::string_body> request{http::verb::get, target, 11};
  add_headers(request, url, headers);
  return round_trip(url, request);
}

unsigned stream_get(const ServerUrl& url, const std::string& target, const Headers& headers,
                    const std::function<bool(std::string_view)>& on_bytes, std::string& error_body) {
  asio::io_context context;
  auto stream = connect(context, url);
  http::request<http::empty_body> request{http::verb::get, target, 11};
  add_headers(request, url, headers);
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  exchange(url, [&] {
    http::write(stream, request);
    http::read_header(stream, buffer, parser);
  });
  unsigned status = parser.get().result_int();
  char chunk[8192];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof(chunk);
    boost::system::error_code error;
    http::read_some(stream, buffer, parser, error);  // hand on what arrived, not only full buffers
    if (error && error != http::error::need_buffer) break;
    std::string_view bytes(chunk, sizeof(chunk) - parser.get().body().size);
    if (status != 200)
      error_body.append(bytes);
    else if (!on_bytes(bytes))
      break;
    if (error && error != http::error::need_buffer) break;
  }
  return status;
}

}  // namespace herald::cli
