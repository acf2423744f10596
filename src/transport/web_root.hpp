// Files of http.web_root: only regular files, opened without blocking (a FIFO cannot hold a worker in
// open()), and by default only those whose real path lies inside the root.
#pragma once
#include <optional>
#include <string>

namespace herald {

// The content of the regular file at `path` (a decoded request path, starting with "/") under `root`;
// nullopt (404) for anything else: a path with "..", a missing file, a directory, a FIFO, a device, or
// (unless `follow_symlinks`) a file outside the root reached through a symlink.
std::optional<std::string> read_web_root_file(const std::string& root, const std::string& path,
                                              bool follow_symlinks);

}  // namespace herald
