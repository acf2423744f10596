// `herald publish CHANNEL DATA`: publishes one message through the HTTP publish API and prints the
// result. DATA is sent as JSON when it parses as JSON, otherwise as a string; a JSON number that cannot be
// carried exactly is refused (exit 2) rather than sent rounded.
#include <boost/json.hpp>
#include <iostream>

#include "cli/api_key_env.hpp"
#include "cli/commands.hpp"
#include "cli/http_client.hpp"
#include "protocol/http/exact_json.hpp"

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
  ExactJson data = parse_exact_json(options.data, parse_error);
  if (!parse_error && data.unrepresentable) {
    std::cerr << "error: DATA: the number " << *data.unrepresentable
              << " cannot be sent exactly (JSON numbers must be 64-bit integers or finite doubles); quote it "
                 "to send it as a string\n";
    return 2;
  }
  message["data"] = parse_error ? boost::json::value(options.data) : std::move(data.value);
  if (!options.event.empty()) message["event"] = options.event;
  if (!options.idempotency_key.empty()) message["idempotency_key"] = options.idempotency_key;

  Headers headers;
  if (std::string key = publisher_api_key(options.api_key); !key.empty())
    headers["Authorization"] = "Bearer " + key;
  try {
    HttpReply reply = post(*url, "/api/publish", boost::json::serialize(message), headers);
    if (reply.status != 200) {
      std::cerr << "error: HTTP " << reply.status << ": " << reply.body << "\n";
      return 1;
    }
    std::cout << reply.body << std::endl;
    return 0;
  } catch (const ConnectionError& error) {
    std::cerr << "error: " << error.what() << "\n";
    return 1;
  }
}

}  // namespace herald::cli
