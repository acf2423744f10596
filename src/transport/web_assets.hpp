// The web pages compiled into the binary from web/ (see cmake/embed_files.cmake).
#pragma once
#include <string_view>
#include <vector>

namespace herald {

struct WebAsset {
  std::string_view path;  // "/index.html"
  std::string_view content;
};

const std::vector<WebAsset>& web_assets();

}  // namespace herald
