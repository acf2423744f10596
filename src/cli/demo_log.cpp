// The demo backend's stderr lines, each written at once (demo_log.hpp).
#include "cli/demo_log.hpp"

#include <cstdio>
#include <string>

namespace herald::cli {

void demo_log(std::initializer_list<std::string_view> parts) {
  std::string line = "demo-backend: ";
  for (std::string_view part : parts) line += part;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace herald::cli
