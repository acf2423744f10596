// One benchmark run from options to result: builds the channel plan, connects the subscribers on their
// threads (spread over the --url nodes) and waits until all are subscribed, then either measures idle memory
// per connection (--idle) or releases the publishers and waits for every expected delivery (bounded by
// --timeout and --quiet), sampling the server processes (and their broker's) around the measured phase.
#pragma once

#include "options.hpp"
#include "report.hpp"

namespace bench {

// Throws std::runtime_error for setup problems (bad URL, ...).
Result run_benchmark(const Options& options);

}  // namespace bench
