// Handlers of the request/response endpoints: publish, history (simple polling), presence, health, readiness,
// metrics, ICE servers and the built-in web pages. Each takes a parsed request and gives the response to
// send.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "auth/access.hpp"
#include "protocol/http/http_request.hpp"
#include "runtime/worker.hpp"

namespace herald {

boost::asio::awaitable<HttpResponse> handle_publish(Worker& worker, const Access& access,
                                                    const HttpRequest& request);
boost::asio::awaitable<HttpResponse> handle_history(Worker& worker, const Access& access,
                                                    const HttpRequest& request);
boost::asio::awaitable<HttpResponse> handle_presence(Worker& worker, const Access& access,
                                                     const HttpRequest& request);
HttpResponse handle_health(Worker& worker, const HttpRequest& request);
HttpResponse handle_ready(Worker& worker, const HttpRequest& request);
HttpResponse handle_metrics(Worker& worker, const HttpRequest& request);
// GET /api/ice-servers: herald's STUN/TURN URLs with fresh TURN REST credentials, and the [[ice_server]]s.
HttpResponse handle_ice_servers(Worker& worker, const Access& access, const HttpRequest& request);
// A page of web/ (built in) or of http.web_root; nullopt when there is none at that path.
std::optional<HttpResponse> handle_web_page(Worker& worker, const HttpRequest& request);

}  // namespace herald
