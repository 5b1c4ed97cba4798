// libFuzzer target for the `optdyn` command line: the first byte picks a subcommand, the
// rest is its argument list (arguments separated by '\n'). Each subcommand's own option
// declarations are parsed strictly and notified, exactly as the tool does before it runs
// (experiments/tool/main.cpp); the command itself is not run. Every input must parse or
// give an InputError — never a crash, a sanitizer report or another exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/command_line.hpp"
#include "optdyn/core/error.hpp"
#include "tool/command.hpp"

namespace {

using optdyn::tool::Command;

const std::vector<Command>& subcommands() {
  static const std::vector<Command> all = {optdyn::tool::list_command(),    optdyn::tool::eval_command(),
                                           optdyn::tool::run_command(),     optdyn::tool::flow_command(),
                                           optdyn::tool::compare_command(), optdyn::tool::spectrum_command()};
  return all;
}

std::vector<std::string> split_lines(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n')
      args.emplace_back();
    else
      args.back() += static_cast<char>(data[i]);
  }
  return args;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Command& command = subcommands()[data[0] % subcommands().size()];
  optdyn::tool::po::options_description visible, hidden, all;
  optdyn::tool::po::positional_options_description positional;
  command.declare(visible, hidden, positional);
  visible.add_options()("help,h", "print this help");
  all.add(visible).add(hidden);
  try {
    auto vm = optdyn::harness::parse_options(split_lines(data + 1, size - 1), all, "optdyn " + command.name,
                                             &positional);
    optdyn::harness::notify_options(vm, "optdyn " + command.name);
  } catch (const optdyn::InputError&) {
  }
  return 0;
}
