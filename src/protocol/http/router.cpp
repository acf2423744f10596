// Routing table (see router.hpp).
#include "protocol/http/router.hpp"

namespace herald {
namespace {

namespace http = boost::beast::http;

struct Entry {
  std::string_view path;
  bool prefix;
  Route route;
  http::verb method;
  bool head;  // HEAD works too: a GET that answers at once, whose response can be sent without its body
};

constexpr Entry kRoutes[] = {
    {"/api/publish/", true, Route::publish, http::verb::post, false},
    {"/api/publish", false, Route::publish, http::verb::post, false},
    {"/api/history", false, Route::history, http::verb::get, true},
    {"/api/lp", false, Route::longpoll, http::verb::get, false},
    {"/api/presence", false, Route::presence, http::verb::get, true},
    {"/api/sse", false, Route::sse, http::verb::get, false},
    {"/api/ws", false, Route::websocket, http::verb::get, false},
    {"/api/ws/echo", false, Route::websocket_echo, http::verb::get, false},
    {"/api/ice-servers", false, Route::ice_servers, http::verb::get, true},
    {"/healthz", false, Route::health, http::verb::get, true},
    {"/readyz", false, Route::ready, http::verb::get, true},
    {"/metrics", false, Route::metrics, http::verb::get, true},
};

// Every other path outside /api/ is a web page.
constexpr Entry kWebPage{"", true, Route::web_page, http::verb::get, true};

RouteMatch match_entry(const Entry& entry, http::verb method) {
  bool allowed = method == entry.method || (entry.head && method == http::verb::head);
  std::string_view allow = entry.method == http::verb::post ? "POST" : entry.head ? "GET, HEAD" : "GET";
  return {entry.route, allowed, allow};
}

}  // namespace

RouteMatch match_route(std::string_view path, http::verb method) {
  for (const auto& entry : kRoutes) {
    bool matches =
        entry.prefix ? path.starts_with(entry.path) && path.size() > entry.path.size() : path == entry.path;
    if (matches) return match_entry(entry, method);
  }
  if (path.starts_with("/api/")) return {Route::not_found, true, ""};
  return match_entry(kWebPage, method);
}

}  // namespace herald
