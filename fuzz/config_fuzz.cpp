// Fuzz target: herald's TOML configuration through load_config_text (the file part of load_config, with
// every check of the final values). Any problem must be a ConfigError with a source and a message; no
// other exception may escape. Texts that set auth.public_key are skipped: the loader reads those files,
// and a fuzzer naming /dev/zero would only test the disk.
#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/config_loader.hpp"

namespace {

bool names_key_files(std::string_view text) {
  try {
    toml::table root = toml::parse(text);
    return root["auth"]["public_key"].node() != nullptr;
  } catch (const toml::parse_error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (names_key_files(text)) return 0;
  try {
    herald::load_config_text(text, "fuzz.toml");
  } catch (const herald::ConfigError& error) {
    if (std::string_view(error.what()).empty()) __builtin_trap();
  }
  return 0;
}
