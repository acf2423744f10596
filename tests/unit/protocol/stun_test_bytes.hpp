// Hex literals for the STUN tests: "00 01 a4 42" → bytes, whitespace ignored.
#pragma once
#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>

namespace herald::stun::test {

inline std::string hex(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  if (digits.size() % 2 != 0) throw std::invalid_argument("odd number of hex digits");
  std::string out;
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace herald::stun::test
