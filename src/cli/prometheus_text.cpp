// Prometheus text reader (see prometheus_text.hpp).
#include "cli/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace herald::cli {
namespace {

// The series of a sample line: the name, with its {labels} when there are some (a label value may hold a
// space or a '}' inside quotes).
std::size_t series_end(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != ' ' && line[i] != '{') ++i;
  if (i == line.size() || line[i] != '{') return i;
  bool quoted = false;
  for (++i; i < line.size(); ++i) {
    if (quoted && line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && line[i] == '}') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool parse_value(std::string_view text, double& value) {
  if (text == "+Inf" || text == "-Inf" || text == "NaN") return false;  // none of herald's series are
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && std::isfinite(value);
}

}  // namespace

std::map<std::string, double, std::less<>> parse_prometheus_text(std::string_view text) {
  std::map<std::string, double, std::less<>> samples;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t end = series_end(line);
    if (end == std::string_view::npos || end == 0 || end >= line.size() || line[end] != ' ') continue;
    std::string_view rest = line.substr(end + 1);
    std::string_view number = rest.substr(0, rest.find(' '));
    double value = 0;
    if (parse_value(number, value)) samples[std::string(line.substr(0, end))] = value;
  }
  return samples;
}

}  // namespace herald::cli
