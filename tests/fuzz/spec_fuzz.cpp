// libFuzzer target for the spec front end (doc/design.md, "Spec strings"): any text given as
// an optimizer chain, flow, integrator, objective or x0 init spec must give a resolved spec
// or an InputError — never a crash, a sanitizer report or another exception. What resolves
// must round-trip: the canonical text resolves again to itself, and the typed parameters
// written back (to_spec) parse to the same text. Objectives are resolved, not built (a
// build may read data sets from disk); optimizers are built, since building one only
// checks values and sizes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "optdyn/core/error.hpp"
#include "optdyn/flows/flow_params.hpp"
#include "optdyn/integrators/integrator_params.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

// An invariant broken: abort, so libFuzzer keeps the input as a crash.
void require(bool holds) {
  if (!holds) std::abort();
}

// Runs one front end; InputError is the only acceptable failure.
template <class F>
void accept_input_errors(F&& front_end) {
  try {
    front_end();
  } catch (const optdyn::InputError&) {
  }
}

void optimizer_chain(std::string_view text) {
  const optdyn::OptimizerChain chain = optdyn::parse_optimizer_chain(text);
  const std::string canonical = chain.canonical();
  require(optdyn::parse_optimizer_chain(canonical).canonical() == canonical);
  const std::string built = optdyn::make_optimizer(chain)->spec();
  require(optdyn::make_optimizer(built)->spec() == built);
}

void flow(std::string_view text) {
  const std::string spec = optdyn::flow_spec(optdyn::parse_flow(text));
  require(optdyn::flow_spec(optdyn::parse_flow(spec)) == spec);
}

void integrator(std::string_view text) {
  const std::string spec = optdyn::integrator_spec(optdyn::parse_integrator(text));
  require(optdyn::integrator_spec(optdyn::parse_integrator(spec)) == spec);
}

void objective(std::string_view text) {
  const std::string canonical = optdyn::objective_registry().resolve(text).canonical();
  require(optdyn::objective_registry().resolve(canonical).canonical() == canonical);
}

void init(std::string_view text) {
  const std::string spec = optdyn::init_spec(optdyn::parse_init_spec(text));
  require(optdyn::init_spec(optdyn::parse_init_spec(spec)) == spec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  accept_input_errors([&] { optimizer_chain(text); });
  accept_input_errors([&] { flow(text); });
  accept_input_errors([&] { integrator(text); });
  accept_input_errors([&] { objective(text); });
  accept_input_errors([&] { init(text); });
  return 0;
}
