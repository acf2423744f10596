// `herald subscribe CHANNEL...`: follows channels over SSE and prints one line per message (the
// envelope JSON, or {"gap":{…}} for a gap). After a dropped connection it reconnects with the last
// event id, so nothing is lost while it was away.
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/http_client.hpp"
#include "protocol/sse/sse_parser.hpp"

namespace herald::cli {
namespace {

std::string stream_target(const SubscribeOptions& options) {
  std::string target = "/api/sse?";
  for (std::size_t i = 0; i < options.channels.size(); ++i) {
    if (i > 0) target += '&';
    target += "channel=" + boost::urls::encode(options.channels[i], boost::urls::unreserved_chars);
  }
  if (options.raw) target += "&format=raw";
  return target;
}

}  // namespace

int subscribe_command(const SubscribeOptions& options) {
  auto url = parse_server_url(options.url);
  if (!url) {
    std::cerr << "error: --url must look like http://HOST:PORT\n";
    return 2;
  }
  std::string last_id = options.since;
  unsigned printed = 0;
  bool done = false;
  while (!done) {
    unsigned retry_ms = 1000;
    sse::Parser parser([&](const sse::Event& event) {
      // One read may hold more events than --count still wants: those after it are not printed.
      if (done || event.event == "close") return;
      if (event.event == "gap")
        std::cout << "{\"gap\":" << event.data << "}" << std::endl;
      else
        std::cout << event.data << std::endl;
      if (options.max_messages && ++printed >= *options.max_messages) done = true;
    });
    Headers headers;
    if (!last_id.empty()) headers["Last-Event-ID"] = last_id;
    try {
      std::string error_body;
      unsigned status = stream_get(
          *url, stream_target(options), headers,
          [&](std::string_view bytes) {
            parser.feed(bytes);
            last_id = parser.last_event_id();
            if (parser.retry_ms()) retry_ms = *parser.retry_ms();
            return !done;
          },
          error_body);
      if (status != 200) {
        std::cerr << "error: HTTP " << status << ": " << error_body << "\n";
        return 1;
      }
    } catch (const ConnectionError& error) {
      std::cerr << error.what() << "; reconnecting in " << retry_ms << " ms\n";
    }
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(retry_ms));
  }
  return 0;
}

}  // namespace herald::cli
