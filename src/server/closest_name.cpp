// Nearest known name (see closest_name.hpp).
#include "server/closest_name.hpp"

#include <algorithm>

namespace herald {
namespace {

// Typing mistakes between two names: insertions, deletions, substitutions and swaps of neighbours
// (the optimal string alignment distance).
std::size_t typing_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitution = d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// How many mistakes still count as "close": one per four letters, at least one, at most three, so
// that short names are not matched with unrelated ones.
std::size_t allowed_mistakes(std::string_view name) { return std::clamp<std::size_t>(name.size() / 4, 1, 3); }

}  // namespace

std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& known) {
  std::optional<std::string> best;
  std::size_t best_distance = allowed_mistakes(name) + 1;
  for (const auto& candidate : known) {
    std::size_t distance = typing_distance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace herald
