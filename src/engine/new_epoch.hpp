// A new epoch for a channel whose history starts (again): 8 random characters of [a-z0-9], so that a
// cursor of an earlier run of the channel never matches (36^8 names: a collision is practically
// impossible).
#pragma once
#include <random>
#include <string>

namespace herald {

inline std::string new_epoch(std::mt19937_64& random) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string epoch(8, ' ');
  std::uniform_int_distribution<int> pick(0, 35);
  for (char& c : epoch) c = kAlphabet[pick(random)];
  return epoch;
}

}  // namespace herald
