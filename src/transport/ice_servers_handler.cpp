// GET /api/ice-servers (see api_handlers.hpp): the RTCIceServer list a WebRTC page passes to
// RTCPeerConnection. herald's own STUN and TURN URLs (when turn.listen is set) come first, the TURN entry
// with credentials of the TURN REST scheme minted for the caller: username "<expiry>:<user>", where the user
// is the `sub` of the caller's connection token or "anonymous". Then every [[ice_server]], with its fixed
// credentials or ones minted with its secret. docs/protocol.md describes the answer.
#include <boost/json.hpp>
#include <chrono>

#include "auth/publish_policy.hpp"
#include "protocol/http/api_error.hpp"
#include "protocol/stun/rest_credentials.hpp"
#include "transport/api_handlers.hpp"

namespace herald {
namespace json = boost::json;
namespace {

// "HOST:PORT" as the URLs name herald's STUN/TURN port: turn.public_host (an IPv6 address in brackets) or
// the host of turn.listen, and the port of turn.listen.
std::string advertised_host_port(const Config& config) {
  const std::string& listen = config.turn_listen;
  auto colon = listen.rfind(':');
  std::string host = config.turn_public_host.empty() ? listen.substr(0, colon) : config.turn_public_host;
  if (host.find(':') != std::string::npos && !host.starts_with("[")) host = "[" + host + "]";
  return host + listen.substr(colon);
}

json::array urls_of(const std::vector<std::string>& urls) {
  json::array array;
  for (const auto& url : urls) array.emplace_back(url);
  return array;
}

json::object with_rest_credential(json::object entry, const std::string& secret, const std::string& user,
                                  std::chrono::system_clock::time_point expires) {
  auto credential = stun::mint_rest_credential(secret, user, expires);
  entry["username"] = credential.username;
  entry["credential"] = credential.password;
  return entry;
}

json::array ice_servers(const Config& config, const std::string& user,
                        std::chrono::system_clock::time_point expires) {
  json::array servers;
  if (!config.turn_listen.empty()) {
    std::string at = advertised_host_port(config);
    servers.push_back(json::object{{"urls", json::array{"stun:" + at}}});
    json::object turn{
        {"urls", json::array{"turn:" + at + "?transport=udp", "turn:" + at + "?transport=tcp"}}};
    servers.push_back(with_rest_credential(std::move(turn), config.turn_secret, user, expires));
  }
  for (const auto& external : config.ice_servers) {
    json::object entry{{"urls", urls_of(external.urls)}};
    if (!external.secret.empty()) {
      entry = with_rest_credential(std::move(entry), external.secret, user, expires);
    } else if (!external.username.empty()) {
      entry["username"] = external.username;
      entry["credential"] = external.credential;
    }
    servers.push_back(std::move(entry));
  }
  return servers;
}

}  // namespace

HttpResponse handle_ice_servers(Worker& worker, const Access& access, const HttpRequest& request) {
  auto identified = access.identify(request);
  if (auto* refusal = std::get_if<ApiError>(&identified)) return refusal_response(*refusal);
  const auto& identity = std::get<Identity>(identified);
  if (access.tokens_enabled() && identity.anonymous())
    return refusal_response({http::status::unauthorized, "token_required",
                             "the ICE servers are given to clients with a connection token"});
  std::string user =
      identity.anonymous() || identity.token->subject.empty() ? "anonymous" : identity.token->subject;
  const Config& config = worker.config();
  auto ttl = std::chrono::duration_cast<std::chrono::seconds>(config.turn_credential_ttl);
  auto expires = std::chrono::system_clock::now() + ttl;
  json::object body{{"iceServers", ice_servers(config, user, expires)}, {"ttl", ttl.count()}};
  auto response = json_response(http::status::ok, json::serialize(body));
  response.set(http::field::cache_control, "no-store");
  return response;
}

}  // namespace herald
