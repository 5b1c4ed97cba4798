// libFuzzer target for checkpoint loading (optimizers/checkpoint.hpp, core/state_archive.hpp):
// arbitrary bytes loaded as a checkpoint into an adam and an L-BFGS run must either restore
// it or throw an InputError — never crash, trip a sanitizer, leak or allocate without bound.
// After a successful load the restored run takes a step (a checkpoint that loads must be one
// the optimizer can continue from without a crash). Seeds: corpus/checkpoint/ (valid checkpoints of both,
// truncated and garbled ones). The same inputs run as the ctest `checkpoint_fuzz_corpus`
// through the standalone driver fuzz/standalone_driver.cpp. See README.md.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/checkpoint.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

void try_load(std::string_view bytes, const char* optimizer, const optdyn::Objective& f) {
  optdyn::OptimizerPtr opt = optdyn::make_optimizer(optimizer);
  opt->reset(f.dim());
  optdyn::ObjectiveOracle oracle(f);
  optdyn::Vec theta;
  try {
    optdyn::load_checkpoint(bytes, *opt, oracle, theta);
  } catch (const optdyn::InputError&) {
    return;
  }
  // A loaded checkpoint may hold a diverged state (θ = NaN is a legal checkpoint): the step
  // may then refuse it with an exception, as it would in the original run. Only crashes and
  // sanitizer reports are findings here.
  try {
    opt->step(theta, oracle);
  } catch (const std::exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The specs of the seed corpus (tests/fuzz/README.md, "checkpoint_fuzz"): a checkpoint of
  // anything else fails at optimizer.spec already.
  static const optdyn::ObjectivePtr f = optdyn::make_objective("rosenbrock:dim=4");
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try_load(bytes, "adam:lr=0.05", *f);
  try_load(bytes, "lbfgs:m=3", *f);
  return 0;
}
