// HTTP publishing of the demo backend (see batch_publisher.hpp).
#include "cli/batch_publisher.hpp"

#include <boost/json.hpp>
#include <string>

#include "cli/demo_log.hpp"

namespace herald::cli {
namespace {

boost::json::object message_json(const OutgoingMessage& message) {
  boost::json::object item;
  item["channel"] = message.channel;
  if (!message.event.empty()) item["event"] = message.event;
  item["data"] = message.data;
  return item;
}

}  // namespace

bool BatchPublisher::publish(const std::vector<OutgoingMessage>& messages) const {
  if (messages.empty()) return true;
  boost::json::value body;
  if (messages.size() == 1) {
    body = message_json(messages.front());
  } else {
    boost::json::array items;
    for (const auto& message : messages) items.push_back(message_json(message));
    body = boost::json::object{{"messages", std::move(items)}};
  }
  Headers headers;
  if (!api_key_.empty()) headers["Authorization"] = "Bearer " + api_key_;
  try {
    HttpReply reply = post(url_, "/api/publish", boost::json::serialize(body), headers);
    if (reply.status == 200) return true;
    demo_log({"publishing to ", messages.front().channel, " failed: HTTP ", std::to_string(reply.status),
              ": ", reply.body});
  } catch (const ConnectionError& error) {
    demo_log({"publishing to ", messages.front().channel, " failed: ", error.what()});
  }
  return false;
}

}  // namespace herald::cli
