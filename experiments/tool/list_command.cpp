// `optdyn list KIND`: every registered name with its keys, defaults and one-line help.
// Each listable kind is one row of listings(); a new kind is one more row here.
#include <iostream>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "tool/command.hpp"

namespace optdyn::tool {
namespace {

struct Listing {
  std::string kind;  // the word after `optdyn list`
  std::function<std::string()> describe;
};

const std::vector<Listing>& listings() {
  static const std::vector<Listing> table = {
      {"objectives", [] { return objective_registry().describe(); }},
      {"optimizers", [] { return describe_optimizers(); }},
      {"flows", [] { return describe_flows(); }},
      {"integrators", [] { return describe_integrators(); }},
  };
  return table;
}

std::string known_kinds() {
  std::string known;
  for (const Listing& l : listings()) known += (known.empty() ? "" : "|") + l.kind;
  return known;
}

}  // namespace

Command list_command() {
  Command c;
  c.name = "list";
  c.summary = "list the registered names of a kind with their keys and defaults";
  c.synopsis = "optdyn list " + known_kinds();
  c.details =
      "Each entry prints as `name  —  description`, followed by one line per key:\n"
      "`key=default  description` ((unset) marks an optional key without a default).\n"
      "Spec strings combine them: name:key=value,key=value.";
  c.declare = [](po::options_description&, po::options_description& hidden, po::positional_options_description& positional) {
    hidden.add_options()("kind", po::value<std::vector<std::string>>(), "what to list");
    positional.add("kind", -1);
  };
  c.run = [](const po::variables_map& vm) {
    if (!vm.count("kind")) throw InputError("list: missing KIND (one of " + known_kinds() + ")");
    const auto& kinds = vm["kind"].as<std::vector<std::string>>();
    if (kinds.size() != 1)
      throw InputError("list: expected one KIND, got " + std::to_string(kinds.size()) + " (one of " + known_kinds() + ")");
    for (const Listing& l : listings())
      if (l.kind == kinds[0]) {
        std::cout << l.describe();
        return kExitOk;
      }
    throw InputError("list: unknown kind '" + kinds[0] + "' (one of " + known_kinds() + ")");
  };
  return c;
}

}  // namespace optdyn::tool
