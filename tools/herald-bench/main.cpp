// herald-bench entry point: parse the options, run one benchmark, print the result.
// Exit status: 0 when every expected delivery (or idle connection) happened cleanly, 2 when the run
// finished incomplete (loss, failures, errors), 1 when it could not run.
#include <fmt/format.h>

#include <csignal>
#include <exception>

#include "bench_run.hpp"
#include "options.hpp"
#include "report.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  bench::Options options = bench::parse_options(argc, argv);
  try {
    bench::Result result = bench::run_benchmark(options);
    if (options.json)
      bench::print_json(options, result);
    else
      bench::print_text(options, result);
    bool clean =
        result.complete && result.failed == 0 && result.disconnects == 0 && result.publish_errors == 0;
    return clean ? 0 : 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "herald-bench: {}\n", e.what());
    return 1;
  }
}
