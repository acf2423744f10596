// /proc readers (see proc_stats.hpp).
#include "proc_stats.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace bench {
namespace {

// utime + stime of /proc/PID/stat in seconds; negative when unreadable.
double cpu_seconds(int pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(in, line)) return -1;
  auto paren = line.rfind(')');  // the command name may hold spaces and parentheses
  if (paren == std::string::npos) return -1;
  std::istringstream fields(line.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // field 3 is the state; 14 utime, 15 stime
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// VmRSS of /proc/PID/status in bytes; 0 when unreadable.
std::uint64_t rss_bytes(int pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

}  // namespace

ProcSample sample_processes(const std::vector<int>& pids) {
  ProcSample sample;
  for (int pid : pids) {
    double cpu = cpu_seconds(pid);
    if (cpu < 0) {
      sample.ok = false;
      continue;
    }
    sample.cpu_seconds += cpu;
    sample.rss_bytes += rss_bytes(pid);
  }
  return sample;
}

ProcSample operator+(const ProcSample& a, const ProcSample& b) {
  return {a.cpu_seconds + b.cpu_seconds, a.rss_bytes + b.rss_bytes, a.ok && b.ok};
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace bench
