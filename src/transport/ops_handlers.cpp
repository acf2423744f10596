// /healthz, /readyz, /metrics and the web pages (see api_handlers.hpp).
#include "auth/api_keys.hpp"
#include "auth/bearer.hpp"
#include "auth/publish_policy.hpp"
#include "protocol/http/api_error.hpp"
#include "transport/api_handlers.hpp"
#include "transport/web_assets.hpp"
#include "transport/web_root.hpp"

namespace herald {
namespace {

std::string_view content_type_of(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js") || path.ends_with(".mjs")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  if (path.ends_with(".png")) return "image/png";
  if (path.ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

HttpResponse page(std::string_view path, std::string body) {
  HttpResponse response{http::status::ok, 11};
  response.set(http::field::content_type, content_type_of(path));
  response.set(http::field::cache_control, "no-cache");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

// The file a page path names: "/" is /index.html, and a demo's address /demo/NAME is /NAME.html.
std::string page_file(std::string_view path) {
  if (path == "/") return "/index.html";
  constexpr std::string_view kDemo = "/demo/";
  std::string_view name = path.starts_with(kDemo) ? path.substr(kDemo.size()) : std::string_view{};
  bool simple = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == name.npos;
  if (simple) return "/" + std::string(name) + ".html";
  return std::string(path);
}

}  // namespace

HttpResponse handle_health(Worker&, const HttpRequest&) {
  return json_response(http::status::ok, R"({"status":"ok"})");
}

HttpResponse handle_ready(Worker& worker, const HttpRequest&) {
  if (worker.state().shutting_down)
    return json_response(http::status::service_unavailable, R"({"status":"shutting_down"})");
  if (!worker.state().engine->ready())
    return json_response(http::status::service_unavailable, R"({"status":"engine_unavailable"})");
  return json_response(http::status::ok, R"({"status":"ready"})");
}

HttpResponse handle_metrics(Worker& worker, const HttpRequest& request) {
  if (worker.config().metrics_require_key) {
    auto credentials = bearer_credentials(request.header(http::field::authorization));
    if (!credentials || !api_key_named(worker.config(), *credentials, KeyScope::metrics))
      return refusal_response(
          {http::status::unauthorized, "unauthorized",
           "a valid 'Authorization: Bearer <api key>' with the metrics scope is required"});
  }
  HttpResponse response{http::status::ok, 11};
  response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.body() = worker.state().render_metrics();
  response.prepare_payload();
  return response;
}

std::optional<HttpResponse> handle_web_page(Worker& worker, const HttpRequest& request) {
  std::string path = page_file(request.path());
  const std::string& root = worker.config().web_root;
  if (!root.empty()) {
    if (auto content = read_web_root_file(root, path, worker.config().web_root_follow_symlinks))
      return page(path, std::move(*content));
    return std::nullopt;
  }
  for (const auto& asset : web_assets())
    if (asset.path == path) return page(path, std::string(asset.content));
  return std::nullopt;
}

}  // namespace herald
