// Reading setting values (see setting_value.hpp).
#include "server/setting_value.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>

#include "server/config_error.hpp"

namespace herald {
namespace {

// The largest duration accepted, in the key's own unit (seconds or milliseconds): more would overflow
// the nanosecond clocks the durations are turned into (2^63 ns is about 292 years).
constexpr std::int64_t kMaxDuration = 1'000'000'000;

[[noreturn]] void fail(const ValueOrigin& origin, const std::string& problem) {
  throw ConfigError(origin.source, origin.key, problem);
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

// A TOML value as the messages show it: "two", -1, [ 1, 2 ]; "a table" for tables.
std::string describe(const toml::node& node) {
  if (node.is_table()) return "a table";
  if (node.is_string()) return boost::json::serialize(boost::json::string(node.as_string()->get()));
  std::ostringstream text;
  node.visit([&text](const auto& value) { text << value; });
  return text.str();
}

template <typename Integer>
std::string too_large(const std::string& shown) {
  return shown + " is too large (at most " + std::to_string(std::numeric_limits<Integer>::max()) + ")";
}

// "expected a non-negative number of seconds, got <shown>" (milliseconds for the _ms keys).
template <typename Duration>
std::string not_a_duration(const std::string& shown) {
  std::string problem = "expected a non-negative number of ";
  problem += std::is_same_v<Duration, Milliseconds> ? "milliseconds" : "seconds";
  problem += ", got ";
  problem += shown;
  return problem;
}

// `shown` is the value as the user wrote it.
template <typename Duration>
Duration checked_duration(double number, const std::string& shown, const ValueOrigin& origin) {
  if (!std::isfinite(number) || number < 0) fail(origin, not_a_duration<Duration>(shown));
  if (number > static_cast<double>(kMaxDuration))
    fail(origin, shown + " is too large (at most " + std::to_string(kMaxDuration) + ")");
  return Duration(number);
}

template <typename Integer>
Integer integer_from_text(const std::string& text, const ValueOrigin& origin) {
  Integer value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) fail(origin, too_large<Integer>(quoted(text)));
  if (error != std::errc{} || end != text.data() + text.size() || text.empty())
    fail(origin, "expected a non-negative integer, got " + quoted(text));
  return value;
}

template <typename Duration>
Duration duration_from_text(const std::string& text, const ValueOrigin& origin) {
  double number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty())
    fail(origin, not_a_duration<Duration>(quoted(text)));
  return checked_duration<Duration>(number, quoted(text), origin);
}

std::string trimmed(std::string_view text) {
  constexpr std::string_view kBlanks = " \t";
  auto first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(kBlanks) - first + 1));
}

template <typename Integer>
Integer integer_from_toml(const toml::node& node, const ValueOrigin& origin) {
  auto* number = node.as_integer();
  if (number == nullptr || number->get() < 0)
    fail(origin, "expected a non-negative integer, got " + describe(node));
  if (static_cast<std::uint64_t>(number->get()) > std::numeric_limits<Integer>::max())
    fail(origin, too_large<Integer>(describe(node)));
  return static_cast<Integer>(number->get());
}

template <typename Duration>
Duration duration_from_toml(const toml::node& node, const ValueOrigin& origin) {
  std::optional<double> number;
  if (node.is_integer()) number = static_cast<double>(node.as_integer()->get());
  if (node.is_floating_point()) number = node.as_floating_point()->get();
  if (!number) fail(origin, not_a_duration<Duration>(describe(node)));
  return checked_duration<Duration>(*number, describe(node), origin);
}

// A rate (per second): a finite non-negative number; `shown` is the value as the user wrote it.
Rate checked_rate(std::optional<double> number, const std::string& shown, const ValueOrigin& origin) {
  if (!number || !std::isfinite(*number) || *number < 0)
    fail(origin, "expected a non-negative number (per second), got " + shown);
  return Rate{*number};
}

}  // namespace

void read_text(const std::string& text, std::string& value, const ValueOrigin&) { value = text; }

void read_text(const std::string& text, Rate& value, const ValueOrigin& origin) {
  double number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  bool whole = error == std::errc{} && end == text.data() + text.size() && !text.empty();
  value = checked_rate(whole ? std::optional<double>(number) : std::nullopt, quoted(text), origin);
}

void read_toml(const toml::node& node, Rate& value, const ValueOrigin& origin) {
  std::optional<double> number;
  if (node.is_integer()) number = static_cast<double>(node.as_integer()->get());
  if (node.is_floating_point()) number = node.as_floating_point()->get();
  value = checked_rate(number, describe(node), origin);
}

void read_text(const std::string& text, bool& value, const ValueOrigin& origin) {
  if (text == "true" || text == "1" || text == "yes" || text == "on")
    value = true;
  else if (text == "false" || text == "0" || text == "no" || text == "off")
    value = false;
  else
    fail(origin, "expected true or false, got " + quoted(text));
}

void read_text(const std::string& text, unsigned& value, const ValueOrigin& origin) {
  value = integer_from_text<unsigned>(text, origin);
}

void read_text(const std::string& text, std::size_t& value, const ValueOrigin& origin) {
  value = integer_from_text<std::size_t>(text, origin);
}

void read_text(const std::string& text, Seconds& value, const ValueOrigin& origin) {
  value = duration_from_text<Seconds>(text, origin);
}

void read_text(const std::string& text, Milliseconds& value, const ValueOrigin& origin) {
  value = duration_from_text<Milliseconds>(text, origin);
}

// "a, b,c" -> {"a","b","c"}; an empty (or blank) text is the empty array. An empty item is refused: a
// stray comma would otherwise add "", which in ws.publish_prefixes means "every channel".
void read_text(const std::string& text, std::vector<std::string>& value, const ValueOrigin& origin) {
  std::vector<std::string> items;
  for (std::size_t start = 0; !trimmed(text).empty();) {
    auto comma = text.find(',', start);
    auto length = comma == std::string::npos ? std::string::npos : comma - start;
    items.push_back(trimmed(std::string_view(text).substr(start, length)));
    if (items.back().empty()) fail(origin, "empty item in the comma-separated list " + quoted(text));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  value = std::move(items);
}

void read_toml(const toml::node& node, std::string& value, const ValueOrigin& origin) {
  if (!node.is_string()) fail(origin, "expected a string, got " + describe(node));
  value = node.as_string()->get();
}

void read_toml(const toml::node& node, bool& value, const ValueOrigin& origin) {
  if (!node.is_boolean()) fail(origin, "expected true or false, got " + describe(node));
  value = node.as_boolean()->get();
}

void read_toml(const toml::node& node, unsigned& value, const ValueOrigin& origin) {
  value = integer_from_toml<unsigned>(node, origin);
}

void read_toml(const toml::node& node, std::size_t& value, const ValueOrigin& origin) {
  value = integer_from_toml<std::size_t>(node, origin);
}

void read_toml(const toml::node& node, Seconds& value, const ValueOrigin& origin) {
  value = duration_from_toml<Seconds>(node, origin);
}

void read_toml(const toml::node& node, Milliseconds& value, const ValueOrigin& origin) {
  value = duration_from_toml<Milliseconds>(node, origin);
}

void read_toml(const toml::node& node, std::vector<std::string>& value, const ValueOrigin& origin) {
  const toml::array* array = node.as_array();
  if (array == nullptr) fail(origin, "expected an array of strings, got " + describe(node));
  std::vector<std::string> items;
  for (const auto& item : *array) {
    if (!item.is_string()) fail(origin, "expected an array of strings, got " + describe(node));
    items.push_back(item.as_string()->get());
  }
  value = std::move(items);
}

}  // namespace herald
