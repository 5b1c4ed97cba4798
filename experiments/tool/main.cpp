// optdyn — the command-line front end (doc/design.md, "The optdyn tool").
//
//   optdyn --help | optdyn help [CMD] | optdyn CMD [options]
//
// Exit codes: 0 success, 2 bad input or unwritable output (one line on stderr naming the
// offending option, key or file), 3 a run diverged, 1 an internal error, 130/143 interrupted
// (README, "Guarantees"). Under mpirun: README, "Ranks".
#include <csignal>
#include <string>
#include <vector>

#include "harness/command_line.hpp"
#include "harness/data_parallel.hpp"
#include "harness/signal_cleanup.hpp"
#include "optdyn/core/error.hpp"
#include "tool/command.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto command = [&] { return optdyn::harness::run_guarded([&] { return optdyn::tool::dispatch(args); }); };
  // Under mpirun every command but `sweep` (whose ranks run jobs: harness/mpi_jobs.hpp) is one
  // rank of a data-parallel job: sums over samples shared out, rank 0 writes.
  const bool sweep = !args.empty() && args[0] == "sweep";
  const int status = sweep ? command() : optdyn::harness::run_data_parallel(command);
  // A run stopped by SIGINT/SIGTERM/SIGHUP at a step boundary (with its checkpoint written and its
  // files closed) now ends by that signal, as an interrupted program does (exit 130/143).
  if (status == 128 + SIGINT || status == 128 + SIGTERM || status == 128 + SIGHUP) optdyn::harness::die_of_recorded_signal();
  return status;
}
