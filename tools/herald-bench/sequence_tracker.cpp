// Sequence checking (see sequence_tracker.hpp).
#include "sequence_tracker.hpp"

namespace bench {

DeliveryCounts& DeliveryCounts::operator+=(const DeliveryCounts& o) {
  expected += o.expected;
  received += o.received;
  duplicated += o.duplicated;
  out_of_order += o.out_of_order;
  unexpected += o.unexpected;
  return *this;
}

SequenceTracker::SequenceTracker(std::uint64_t expected) : seen_((expected + 64) / 64, 0) {
  counts_.expected = expected;
}

bool SequenceTracker::record(std::uint64_t seq) {
  if (seq == 0 || seq > counts_.expected) {
    ++counts_.unexpected;
    return false;
  }
  std::uint64_t& word = seen_[seq / 64];
  std::uint64_t bit = std::uint64_t{1} << (seq % 64);
  if (word & bit) {
    ++counts_.duplicated;
    return false;
  }
  word |= bit;
  ++counts_.received;
  if (seq < highest_)
    ++counts_.out_of_order;  // a hole filled late; holes never filled are lost
  else
    highest_ = seq;
  return true;
}

}  // namespace bench
