// Server-side figures read from /proc for a set of process ids: CPU time (utime + stime, all threads)
// and resident memory (VmRSS), summed over the processes (e.g. nginx master and workers, or two herald
// nodes and the Redis they share).
#pragma once

#include <cstdint>
#include <vector>

namespace bench {

struct ProcSample {
  double cpu_seconds = 0;
  std::uint64_t rss_bytes = 0;
  bool ok = true;  // false when a process could not be read (gone?)
};

ProcSample sample_processes(const std::vector<int>& pids);

// The sum of two samples (e.g. the server nodes and their broker).
ProcSample operator+(const ProcSample& a, const ProcSample& b);

// CPU seconds used so far by herald-bench itself (all threads), to show it is not the bottleneck.
double own_cpu_seconds();

}  // namespace bench
