// libFuzzer target for the checkpoint documents of `optdyn run` and `optdyn flow`
// (tool/run_checkpoint.hpp, tool/flow_checkpoint.hpp: the file `--resume` reads): arbitrary
// bytes loaded as a run checkpoint (SGD with a shuffling minibatch sampler) and as a flow
// checkpoint of six integrators (dopri5's FSAL derivative, the Rosenbrock and
// Bulirsch–Stoer controllers, Adams–Bashforth–Moulton's history, Euler–Maruyama's Rng,
// implicit Euler) must either restore it or throw an InputError — never crash, trip a
// sanitizer, leak or allocate without bound. A document that loads is then continued for
// a few steps (at most three boundaries), as `--resume` would.
//
// Every document starts with "build": this build's identity (tool/checkpoints.hpp), which no
// committed input can know. The token @BUILD@ in the input is replaced by it, so the corpus
// (checkpoints written by real interrupted commands, their build replaced by the token)
// reaches the state behind the header. Seeds: corpus/command_checkpoint/ (README.md).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "harness/build_info.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/state_archive.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/minibatch_sampler.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "tool/flow_checkpoint.hpp"
#include "tool/run_checkpoint.hpp"
#include "tool/trajectory_recorder.hpp"

namespace {

using namespace optdyn;

// The input with every @BUILD@ replaced by this build's identity.
std::string with_build(std::string_view bytes) {
  static const std::string token = "@BUILD@", identity = harness::build_info().identity();
  std::string text(bytes);
  for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + identity.size()))
    text.replace(at, token.size(), identity);
  return text;
}

// The recorders' output names (each locked while the target runs) are in a temporary
// directory of their own, removed at exit (after the recorders: it was created first).
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "optdyn-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string scratch_path(const std::string& name) {
  static const ScratchDirectory dir;
  return dir.file(name);
}

// Pauses a continued run at its third boundary.
auto three_boundaries() {
  return [count = 0]() mutable { return ++count < 3; };
}

// `optdyn run --objective least_squares:n=20,dim=3 --optimizer sgd:lr=0.05 --batch 5
//  --steps 100000000 --record-every 1000` (the command of the corpus' run checkpoints).
void try_run_checkpoint(const std::string& json) {
  static const ObjectivePtr f = make_objective("least_squares:n=20,dim=3");
  static tool::TrajectoryRecorder recorder(*f, scratch_path("run.csv"), {"step", "evals"}, {}, "", false);
  const tool::RunIdentity id{"least_squares:n=20,dim=3", "sgd:lr=0.05", "zeros", "shuffle", "", "", "", "",
                             100000000, 5, 1000, 0, false};
  OptimizerPtr optimizer = make_optimizer(id.optimizer);
  optimizer->reset(f->dim());
  ObjectiveOracle oracle(*f, id.batch, Sampling::shuffle, id.seed);
  Vec theta = Vec::Zero(f->dim());
  tool::RunProgress progress;
  try {
    StateArchive a = StateArchive::from_json(json);
    tool::archive_run_checkpoint(a, id, progress, *optimizer, oracle, theta, recorder);
  } catch (const InputError&) {
    return;
  }
  try {  // a legal checkpoint may hold a diverged θ: the step may refuse it, as in the original run
    for (int k = 0; k < 3; ++k) optimizer->step(theta, oracle);
  } catch (const std::exception&) {
  }
}

// `optdyn flow --objective rosenbrock:dim=2 --flow heavy_ball --integrator INTEGRATOR
//  --t-end 100000 --record-dt 100` (the commands of the corpus' flow checkpoints; 1,001 record
// times: a long list would be copied into every integration and slow each input down).
void try_flow_checkpoint(const std::string& json, const std::string& integrator_spec) {
  static const ObjectivePtr f = make_objective("rosenbrock:dim=2");
  static const FlowPtr flow = make_flow("heavy_ball", *f);
  static tool::TrajectoryRecorder recorder(*f, scratch_path("flow.csv"), {"t"}, {}, "", false);
  static const std::vector<double> times = [] {
    std::vector<double> t(1001);
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = 100.0 * static_cast<double>(i);
    return t;
  }();
  const tool::FlowIdentity id{"rosenbrock:dim=2", "heavy_ball", integrator_spec, "zeros", "100000", "100", "", "",
                              false};
  IntegratorPtr integrator = make_integrator(integrator_spec);
  const std::unique_ptr<Integration> integration =
      integrator->start(*flow, flow->start_state(Vec::Zero(f->dim())), flow->start_time(), times);
  tool::FlowProgress progress;
  try {
    StateArchive a = StateArchive::from_json(json);
    tool::archive_flow_checkpoint(a, id, static_cast<std::int64_t>(times.size()), progress, *integration, recorder);
  } catch (const InputError&) {
    return;
  }
  try {  // a legal checkpoint may hold a diverged state: the integration may refuse to go on
    integration->run([](double, const Vec&) { return true; }, three_boundaries());
  } catch (const std::exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string json = with_build(std::string_view(reinterpret_cast<const char*>(data), size));
  try_run_checkpoint(json);
  for (const char* integrator : {"dopri5:rtol=1e-13,atol=1e-15", "rosenbrock4:rtol=1e-13,atol=1e-15",
                                 "bulirsch_stoer:rtol=1e-13,atol=1e-15", "adams_bashforth_moulton:order=3,h=0.0005",
                                 "euler_maruyama:h=0.0005,seed=3", "implicit_euler:h=0.001"})
    try_flow_checkpoint(json, integrator);
  return 0;
}
