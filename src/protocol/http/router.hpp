// Which endpoint a request is for, from its path and method alone.
#pragma once
#include <boost/beast/http/verb.hpp>
#include <ostream>
#include <string_view>

namespace herald {

enum class Route {
  publish,
  history,
  longpoll,
  presence,
  sse,
  websocket,
  websocket_echo,
  health,
  ready,
  metrics,
  ice_servers,
  web_page,
  not_found
};

struct RouteMatch {
  Route route;
  bool method_allowed;
  std::string_view allow;  // the Allow header for a 405: "POST", "GET", or "GET, HEAD"
};

// HEAD is allowed wherever GET answers at once (history, health, readiness, metrics, web pages); the
// streaming endpoints (long polling, SSE, WebSocket) take GET only.

RouteMatch match_route(std::string_view path, boost::beast::http::verb method);

}  // namespace herald
