// Routing table (see router.hpp).
#include "protocol/http/router.hpp"

namespace herald {
namespace {

struct Entry {
  std::string_view path;
  bool prefix;
  Route route;
  boost::beast::http::verb method;
};

constexpr Entry kRoutes[] = {
    {"/api/publish/", true, Route::publish, boost::beast::http::verb::post},
    {"/api/publish", false, Route::publish, boost::beast::http::verb::post},
    {"/api/history", false, Route::history, boost::beast::http::verb::get},
    {"/api/lp", false, Route::longpoll, boost::beast::http::verb::get},
    {"/api/sse", false, Route::sse, boost::beast::http::verb::get},
    {"/api/ws", false, Route::websocket, boost::beast::http::verb::get},
    {"/api/ws/echo", false, Route::websocket_echo, boost::beast::http::verb::get},
    {"/healthz", false, Route::health, boost::beast::http::verb::get},
    {"/readyz", false, Route::ready, boost::beast::http::verb::get},
    {"/metrics", false, Route::metrics, boost::beast::http::verb::get},
};

}  // namespace

RouteMatch match_route(std::string_view path, boost::beast::http::verb method) {
  for (const auto& entry : kRoutes) {
    bool matches =
        entry.prefix ? path.starts_with(entry.path) && path.size() > entry.path.size() : path == entry.path;
    if (!matches) continue;
    return {entry.route, method == entry.method,
            entry.method == boost::beast::http::verb::post ? "POST" : "GET"};
  }
  if (path.starts_with("/api/")) return {Route::not_found, true, ""};
  return {Route::web_page, method == boost::beast::http::verb::get, "GET"};
}

}  // namespace herald
