#pragma once
// The subcommands of the `optdyn` tool. Each lives in its own file and returns a Command;
// dispatch.cpp keeps the table (commands()) and does the shared work: dispatch, strict option
// parsing, `--help` / `optdyn help CMD`, and the exit-code convention (InputError → one
// line on stderr, exit 2). Adding a subcommand (run, flow, compare, spectrum, ...) = one
// new file with a `Command xxx_command()` factory plus one line in commands().
#include <boost/program_options.hpp>
#include <functional>
#include <string>
#include <vector>

namespace optdyn::tool {

namespace po = boost::program_options;

struct Command {
  std::string name;
  std::string summary;   // one line, for `optdyn --help`
  std::string synopsis;  // e.g. "optdyn eval --objective SPEC --x0 SPEC [--hessian] --out FILE"
  std::string details;   // further paragraphs for `optdyn help NAME` (may be empty)
  // Declares the options shown in the help, hidden options, and positional arguments
  // (which must map to hidden options). `--help` is added by main.
  std::function<void(po::options_description& visible, po::options_description& hidden,
                     po::positional_options_description& positional)>
      declare;
  // Runs with the parsed and notified options; returns the exit status. Throws InputError
  // for bad input.
  std::function<int(const po::variables_map&)> run;
};

Command list_command();
Command eval_command();
Command run_command();
Command flow_command();
Command compare_command();
Command spectrum_command();
Command sweep_command();

// Every subcommand, in the order `optdyn --help` shows them.
const std::vector<Command>& commands();

// Runs `optdyn ARGS...` (ARGS without the program name): help, or parse, notify and run
// the subcommand. InputError for bad input, as everywhere.
int dispatch(const std::vector<std::string>& args);
// Parses and checks ARGS as dispatch() would, without running anything (`optdyn sweep`
// checks every job's command line before the first job starts).
void check_command_line(const std::vector<std::string>& args);

}  // namespace optdyn::tool
