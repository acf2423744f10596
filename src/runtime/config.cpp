// Settings (see config.hpp).
#include "runtime/config.hpp"

#include <algorithm>
#include <thread>

#include "engine/engine.hpp"

namespace herald {

unsigned Config::worker_count() const {
  if (workers > 0) return workers;
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : std::min(cores, kMaxWorkers);
}

}  // namespace herald
