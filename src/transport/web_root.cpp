// Web root files (see web_root.hpp).
#include "transport/web_root.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

namespace herald {
namespace {

// Bytes read per read() call.
constexpr std::size_t kReadChunk = 64 * 1024;

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
  char chunk[kReadChunk];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) return content;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    content.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::optional<std::string> read_web_root_file(const std::string& root, const std::string& path,
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

}  // namespace herald
