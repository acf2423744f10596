// Per (subscriber, channel) delivery check: the sequence numbers s must arrive as 1, 2, 3, ... exactly
// once each. A bitmap sized before the run (no allocation while receiving) tells duplicates apart from
// late deliveries; whatever never arrived is lost.
#pragma once

#include <cstdint>
#include <vector>

namespace bench {

struct DeliveryCounts {
  std::uint64_t expected = 0;
  std::uint64_t received = 0;      // distinct sequence numbers in 1..expected
  std::uint64_t duplicated = 0;    // a sequence number seen again
  std::uint64_t out_of_order = 0;  // new, but below a sequence number already received
  std::uint64_t unexpected = 0;    // outside 1..expected
  std::uint64_t lost() const { return expected - received; }
  DeliveryCounts& operator+=(const DeliveryCounts& o);
};

class SequenceTracker {
 public:
  explicit SequenceTracker(std::uint64_t expected = 0);
  // True when `seq` is a first delivery (count it and its latency).
  bool record(std::uint64_t seq);
  const DeliveryCounts& counts() const { return counts_; }

 private:
  std::vector<std::uint64_t> seen_;
  std::uint64_t highest_ = 0;
  DeliveryCounts counts_;
};

}  // namespace bench
