// Publishes messages through herald's HTTP API from the demo backend's threads: one POST /api/publish per
// call (a batch when there are several messages), with the API key when there is one.
#pragma once
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "cli/http_client.hpp"

namespace herald::cli {

struct OutgoingMessage {
  std::string channel;
  std::string event;
  boost::json::value data;
};

class BatchPublisher {
 public:
  BatchPublisher(ServerUrl url, std::string api_key) : url_(std::move(url)), api_key_(std::move(api_key)) {}

  // Whether herald accepted every message; a refusal or a connection failure is written to stderr.
  bool publish(const std::vector<OutgoingMessage>& messages) const;

 private:
  ServerUrl url_;
  std::string api_key_;
};

}  // namespace herald::cli
