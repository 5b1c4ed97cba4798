// The `optdyn` front end's shared work (doc/design.md, "The optdyn tool"): the table of
// subcommands, `--help` / `optdyn help CMD`, strict option parsing, dispatch. main.cpp runs
// it for the command line; `optdyn sweep` runs it in each job's process.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/command_line.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/threads.hpp"
#include "tool/command.hpp"

namespace optdyn::tool {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      list_command(),
      eval_command(),
      run_command(),
      flow_command(),
      compare_command(),
      spectrum_command(),
      sweep_command(),
  };
  return table;
}

namespace {

std::string known_commands() {
  std::string known;
  for (const Command& c : commands()) known += (known.empty() ? "" : ", ") + c.name;
  return known;
}

const Command& find_command(const std::string& name) {
  for (const Command& c : commands())
    if (c.name == name) return c;
  throw InputError("unknown subcommand '" + name + "' (subcommands: " + known_commands() + "; see optdyn --help)");
}

std::string general_help() {
  std::ostringstream out;
  out << "usage: optdyn COMMAND [options]\n"
         "       optdyn help COMMAND\n\n"
         "Optimizer dynamics: objectives, discrete optimizers and their continuous flows.\n\n"
         "Commands:\n";
  for (const Command& c : commands()) {
    std::string name = c.name;
    name.resize(std::max<std::size_t>(name.size(), 10), ' ');
    out << "  " << name << "  " << c.summary << "\n";
  }
  out << "\nExit status: 0 success, 2 bad input or unwritable output (one line on stderr),\n"
         "3 the run diverged, 1 internal error, 130/143 interrupted (SIGINT/SIGTERM).\n";
  return out.str();
}

struct Declared {
  po::options_description visible{"Options"};
  po::options_description hidden{"Hidden"};
  po::options_description all;
  po::positional_options_description positional;
};

Declared declare(const Command& c) {
  Declared d;
  if (c.declare) c.declare(d.visible, d.hidden, d.positional);
  if (c.name != "list")
    d.visible.add_options()("threads", po::value<std::string>()->value_name("N"),
                            "threads for sums over samples (default: OPTDYN_THREADS, else 1); the output "
                            "is byte-identical for every N (README, \"Guarantees\")");
  d.visible.add_options()("help,h", "print this help");
  d.all.add(d.visible).add(d.hidden);
  return d;
}

std::string command_help(const Command& c) {
  std::ostringstream out;
  out << "usage: " << c.synopsis << "\n\n" << c.summary << "\n";
  if (!c.details.empty()) out << "\n" << c.details << (c.details.back() == '\n' ? "" : "\n");
  const Declared d = declare(c);
  out << "\n" << d.visible;
  return out.str();
}

}  // namespace

int dispatch(const std::vector<std::string>& args) {
  if (args.empty()) throw InputError("missing command (one of " + known_commands() + "; see optdyn --help)");
  const std::string& first = args[0];
  if (first == "--help" || first == "-h") {
    std::cout << general_help();
    return kExitOk;
  }
  if (first == "help") {
    if (args.size() == 1) {
      std::cout << general_help();
      return kExitOk;
    }
    if (args.size() > 2) throw InputError("help: expected one command name, got " + std::to_string(args.size() - 1));
    std::cout << command_help(find_command(args[1]));
    return kExitOk;
  }
  if (first.starts_with("-")) throw InputError("unrecognised option '" + first + "' (expected a command first; see optdyn --help)");
  const Command& command = find_command(first);
  const Declared d = declare(command);
  const std::string context = "optdyn " + command.name;
  po::variables_map vm = harness::parse_options({args.begin() + 1, args.end()}, d.all, context, &d.positional);
  if (vm.count("help")) {
    std::cout << command_help(command);
    return kExitOk;
  }
  harness::notify_options(vm, context);
  if (vm.count("threads")) set_threads(parse_threads(vm["threads"].as<std::string>(), "--threads"));
  return command.run(vm);
}

void check_command_line(const std::vector<std::string>& args) {
  if (args.empty()) throw InputError("missing command (one of " + known_commands() + ")");
  const Command& command = find_command(args[0]);
  const Declared d = declare(command);
  const std::string context = "optdyn " + command.name;
  po::variables_map vm = harness::parse_options({args.begin() + 1, args.end()}, d.all, context, &d.positional);
  harness::notify_options(vm, context);
  if (vm.count("threads")) parse_threads(vm["threads"].as<std::string>(), "--threads");
}

}  // namespace optdyn::tool

