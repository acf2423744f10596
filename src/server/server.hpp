// The `herald serve` process: workers, engine, listeners, and the graceful shutdown on SIGTERM/SIGINT.
#pragma once
#include "runtime/config.hpp"

namespace herald {

// Runs the server until SIGTERM or SIGINT, then shuts down gracefully; returns the exit code.
int run_server(const Config& config);

}  // namespace herald
