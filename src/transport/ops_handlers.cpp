// /healthz, /readyz, /metrics and the web pages (see api_handlers.hpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "protocol/http/api_error.hpp"
#include "transport/api_handlers.hpp"
#include "transport/web_assets.hpp"

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

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::optional<std::string> real_path(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr), &std::free);
  if (!resolved) return std::nullopt;
  return std::string(resolved.get());
}

// Whether the file open as `opened` is the one `path` names once every symlink is followed, and that
// lies inside `root`. (Compared by device and inode, so a path changed between the two looks does not pass.)
bool is_inside_root(const std::string& root, const std::string& path, const struct stat& opened) {
  auto real_root = real_path(root);
  auto real_file = real_path(path);
  if (!real_root || !real_file) return false;
  std::string prefix = *real_root == "/" ? "/" : *real_root + "/";
  struct stat named {};
  return real_file->starts_with(prefix) && ::stat(real_file->c_str(), &named) == 0 &&
         named.st_dev == opened.st_dev && named.st_ino == opened.st_ino;
}

std::optional<std::string> read_all(int fd, std::size_t size_hint) {
  std::string content;
  content.reserve(size_hint);
  char chunk[64 * 1024];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) return content;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    content.append(chunk, static_cast<std::size_t>(n));
  }
}

// The content of the regular file at `path` under `root`; nullopt (404) for anything else: a missing
// file, a directory, a FIFO, a device, or (unless `follow_symlinks`) a file outside the root reached
// through a symlink. Opened non-blocking, so a FIFO cannot hold the worker in open().
std::optional<std::string> read_from_root(const std::string& root, const std::string& path,
                                          bool follow_symlinks) {
  if (path.find("..") != std::string::npos) return std::nullopt;
  std::string full = root + path;
  FileDescriptor file(::open(full.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (file.get() < 0) return std::nullopt;
  struct stat status {};
  if (::fstat(file.get(), &status) != 0 || !S_ISREG(status.st_mode)) return std::nullopt;
  if (!follow_symlinks && !is_inside_root(root, full, status)) return std::nullopt;
  return read_all(file.get(), static_cast<std::size_t>(status.st_size));
}

}  // namespace

HttpResponse handle_health(Worker&, const HttpRequest&) {
  return json_response(http::status::ok, R"({"status":"ok"})");
}

HttpResponse handle_ready(Worker& worker, const HttpRequest&) {
  if (worker.state().shutting_down)
    return json_response(http::status::service_unavailable, R"({"status":"shutting_down"})");
  return json_response(http::status::ok, R"({"status":"ready"})");
}

HttpResponse handle_metrics(Worker& worker, const HttpRequest&) {
  HttpResponse response{http::status::ok, 11};
  response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.body() = worker.state().render_metrics();
  response.prepare_payload();
  return response;
}

std::optional<HttpResponse> handle_web_page(Worker& worker, const HttpRequest& request) {
  std::string path = request.path() == "/" ? "/index.html" : request.path();
  const std::string& root = worker.config().web_root;
  if (!root.empty()) {
    if (auto content = read_from_root(root, path, worker.config().web_root_follow_symlinks))
      return page(path, std::move(*content));
    return std::nullopt;
  }
  for (const auto& asset : web_assets())
    if (asset.path == path) return page(path, std::string(asset.content));
  return std::nullopt;
}

}  // namespace herald
