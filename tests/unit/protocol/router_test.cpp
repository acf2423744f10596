// Routing: which endpoint a path names, which methods it takes (HEAD wherever GET answers at once) and
// the Allow header of a 405.
#include "protocol/http/router.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {
using boost::beast::http::verb;

TEST(Router, Endpoints) {
  EXPECT_EQ(match_route("/api/publish", verb::post).route, Route::publish);
  EXPECT_EQ(match_route("/api/publish/news", verb::post).route, Route::publish);
  EXPECT_EQ(match_route("/api/history", verb::get).route, Route::history);
  EXPECT_EQ(match_route("/api/lp", verb::get).route, Route::longpoll);
  EXPECT_EQ(match_route("/api/sse", verb::get).route, Route::sse);
  EXPECT_EQ(match_route("/api/ws", verb::get).route, Route::websocket);
  EXPECT_EQ(match_route("/healthz", verb::get).route, Route::health);
  EXPECT_EQ(match_route("/readyz", verb::get).route, Route::ready);
  EXPECT_EQ(match_route("/metrics", verb::get).route, Route::metrics);
  EXPECT_EQ(match_route("/api/ice-servers", verb::get).route, Route::ice_servers);
  EXPECT_EQ(match_route("/", verb::get).route, Route::web_page);
  EXPECT_EQ(match_route("/demo.js", verb::get).route, Route::web_page);
  EXPECT_EQ(match_route("/api/nope", verb::get).route, Route::not_found);
}

TEST(Router, HeadWhereGetAnswersAtOnce) {
  for (std::string_view path : {"/healthz", "/readyz", "/metrics", "/api/history", "/", "/demo.js"}) {
    RouteMatch match = match_route(path, verb::head);
    EXPECT_TRUE(match.method_allowed) << path;
    EXPECT_EQ(match.allow, "GET, HEAD") << path;
    EXPECT_EQ(match_route(path, verb::post).allow, "GET, HEAD") << path;
    EXPECT_FALSE(match_route(path, verb::post).method_allowed) << path;
  }
}

TEST(Router, NoHeadOnStreamingEndpoints) {
  for (std::string_view path : {"/api/lp", "/api/sse", "/api/ws", "/api/ws/echo"}) {
    RouteMatch match = match_route(path, verb::head);
    EXPECT_FALSE(match.method_allowed) << path;
    EXPECT_EQ(match.allow, "GET") << path;
    EXPECT_TRUE(match_route(path, verb::get).method_allowed) << path;
  }
}

TEST(Router, PublishTakesPostOnly) {
  for (verb method : {verb::get, verb::head, verb::put, verb::options}) {
    RouteMatch match = match_route("/api/publish", method);
    EXPECT_FALSE(match.method_allowed);
    EXPECT_EQ(match.allow, "POST");
  }
  EXPECT_TRUE(match_route("/api/publish", verb::post).method_allowed);
}

}  // namespace
}  // namespace herald
