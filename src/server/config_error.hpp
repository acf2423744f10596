// A configuration problem, reported as `<source>: <key>: <problem>`: where the value came from (a
// FILE:LINE:COLUMN position, an environment variable or the command line), the setting and what is wrong.
#pragma once
#include <stdexcept>
#include <string>

namespace herald {

class ConfigError : public std::runtime_error {
 public:
  // An empty `key` (a file that is not valid TOML) gives `<source>: <problem>`.
  ConfigError(std::string source, std::string key, std::string problem)
      : std::runtime_error(key.empty() ? source + ": " + problem : source + ": " + key + ": " + problem),
        source_(std::move(source)),
        key_(std::move(key)),
        problem_(std::move(problem)) {}

  const std::string& source() const { return source_; }
  const std::string& key() const { return key_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string source_;
  std::string key_;
  std::string problem_;
};

}  // namespace herald
