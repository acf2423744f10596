// `herald publish CHANNEL DATA`: publishes one message through the HTTP publish API and prints the
// result. DATA is sent as JSON when it parses as JSON, otherwise as a string.
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/http_client.hpp"

namespace herald::cli {

int publish_command(const PublishOptions& options) {
  auto url = parse_server_url(options.url);
  if (!url) {
    std::cerr << "error: --url must look like http://HOST:PORT\n";
    return 2;
  }
  boost::json::object message;
  message["channel"] = options.channel;
  boost::system::error_code parse_error;
  boost::json::value data = boost::json::parse(options.data, parse_error);
  message["data"] = parse_error ? boost::json::value(options.data) : data;
  if (!options.event.empty()) message["event"] = options.event;
  if (!options.idempotency_key.empty()) message["idempotency_key"] = options.idempotency_key;

  Headers headers;
  if (!options.api_key.empty()) headers["Authorization"] = "Bearer " + options.api_key;
  try {
    HttpReply reply = post(*url, "/api/publish", boost::json::serialize(message), headers);
    if (reply.status != 200) {
      std::cerr << "error: HTTP " << reply.status << ": " << reply.body << "\n";
      return 1;
    }
    std::cout << reply.body << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "error: cannot publish to " << options.url << ": " << error.what() << "\n";
    return 1;
  }
}

}  // namespace herald::cli
