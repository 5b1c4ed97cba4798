// Checkpoint and resume of integrations (integrators/integrator.hpp, "Checkpoint and resume"):
// for EVERY integrator of the registry, an integration paused at a boundary, archived to
// JSON and restored into FRESH objects built from the same specs (objective, flow,
// integrator: as a new process would) continues exactly as the uninterrupted one — the same
// record times observed with bitwise the same states, the same final state, status and
// t_reached, the same statistics (steps, rejected, rhs_evaluations, jacobian_products,
// jacobians, newton_iterations, linear_iterations), the same objective evaluations (gradients,
// hvps, values, samples, summed over the processes) and the same final internal state
// (compared as archive documents, whose doubles are exact).
//
// Each integrator runs on a non-autonomous ODE (Nesterov's r/t friction, state 2D) — the SDE
// of SGD for euler_maruyama — through record times that mix whole multiples of h (the Adams
// history carries over), shortened steps (it restarts), repeated times and steps that pass
// several record times (dense output). Two schedules: one pause at a middle boundary, and a
// chain that pauses at EVERY boundary, each restored from the one before. A state of another
// method or dimension is an InputError naming the field.
#define BOOST_TEST_MODULE integration_checkpoint
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/state_archive.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/input_errors.hpp"

using namespace optdyn;
using testing::expect_input_error;

namespace optdyn {
std::ostream& operator<<(std::ostream& out, IntegrationStatus status) { return out << to_string(status); }
}  // namespace optdyn

namespace {

struct Problem {
  std::string objective, flow;
  std::vector<double> offsets;  // record times − t0
};

// Record times (after t0): 0 and whole multiples of h = 0.02 first, then a shortened step
// (0.25), a repeated time, a long gap and a close pair.
const std::vector<double> kOffsets = {0.0, 0.1, 0.2, 0.25, 0.35, 0.35, 0.37, 0.6, 0.61, 0.8, 1.0};
const Problem kOde{"rosenbrock:dim=3", "nesterov_ode:r=3,t0=0.01", kOffsets};
const Problem kSde{"mlp:widths=3-4-2,n=16,data=teacher-mlp,loss=mse", "sgd_sde:lr=0.05,batch=4", kOffsets};

// The spec each integrator runs with: fixed steps of h = 0.02; adaptive methods from a long
// first step (rejections) at a tolerance that keeps steps long enough to pass record times.
std::vector<std::string> specs_for(const std::string& name) {
  static const std::map<std::string, std::vector<std::string>> special = {
      {"euler", {"euler:h=0.02"}},
      {"rk4", {"rk4:h=0.02"}},
      {"adams_bashforth_moulton",
       {"adams_bashforth_moulton:h=0.02,order=1", "adams_bashforth_moulton:h=0.02,order=4",
        "adams_bashforth_moulton:h=0.02,order=8"}},
      {"implicit_euler", {"implicit_euler:h=0.05", "implicit_euler:h=0.05,forcing=eisenstat_walker"}},
      {"implicit_midpoint", {"implicit_midpoint:h=0.05,solver=gmres"}},
      {"euler_maruyama", {"euler_maruyama:h=0.02,seed=7"}},
      // Tight enough for several unclipped steps between record times, where the
      // extrapolation order and the proposed step carry over (a clipped step resets them).
      {"bulirsch_stoer", {"bulirsch_stoer:rtol=1e-6,atol=1e-8,h0=0.5", "bulirsch_stoer:rtol=1e-12,atol=1e-14,h0=0.5"}},
  };
  const auto it = special.find(name);
  if (it != special.end()) return it->second;
  return {name + ":rtol=1e-6,atol=1e-8,h0=0.5"};  // the adaptive methods
}

// One process's parts, built from the specs.
struct Parts {
  ObjectivePtr objective;
  FlowPtr flow;
  IntegratorPtr integrator;
  Vec z0;
  double t0 = 0.0;
  std::vector<double> times;
  std::unique_ptr<Integration> integration;
  EvaluationCounts counted_from;  // the objective's counters when the integration started

  Parts(const Problem& p, const std::string& integrator_spec)
      : objective(make_objective(p.objective)), flow(make_flow(p.flow, *objective)), integrator(make_integrator(integrator_spec)) {
    Vec theta0(objective->dim());
    for (Index i = 0; i < theta0.size(); ++i) theta0[i] = 0.3 * static_cast<double>(i % 3) - 0.5;
    z0 = flow->start_state(theta0);
    t0 = flow->start_time();
    for (double offset : p.offsets) times.push_back(t0 + offset);
    integration = integrator->start(*flow, z0, t0, times);
    counted_from = objective->counters();
  }
  EvaluationCounts evaluations() const { return objective->counters() - counted_from; }
};

bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

std::string saved(Integration& integration) {
  StateArchive a = StateArchive::for_saving();
  integration.archive(a);
  return a.to_json();
}

void restore(Integration& integration, const std::string& json) {
  StateArchive a = StateArchive::from_json(json);
  integration.archive(a);
  a.finish();
}

// What an integration produced, over all its processes.
struct Outcome {
  std::vector<double> times;
  std::vector<Vec> states;
  IntegrationResult result;
  Vec final_state;
  EvaluationCounts evaluations;
  std::string final_archive;
  int boundaries = 0;  // boundaries met (uninterrupted run)
};

IntegrationObserver recording(Outcome& o) {
  return [&o](double t, const Vec& z) {
    o.times.push_back(t);
    o.states.push_back(z);
    return true;
  };
}

Outcome uninterrupted(const Problem& p, const std::string& spec) {
  Parts parts(p, spec);
  Outcome o;
  o.result = parts.integration->run(recording(o), [&o] {
    ++o.boundaries;
    return true;
  });
  o.final_state = parts.integration->state();
  o.evaluations = parts.evaluations();
  o.final_archive = saved(*parts.integration);
  return o;
}

// Pauses at the boundaries listed in `pauses` (counted from 1 over the whole integration);
// after each pause the state goes through JSON into fresh parts, which continue.
Outcome interrupted(const Problem& p, const std::string& spec, const std::vector<int>& pauses) {
  Outcome o;
  int boundary = 0;
  std::size_t next_pause = 0;
  auto parts = std::make_unique<Parts>(p, spec);
  for (;;) {
    o.result = parts->integration->run(recording(o), [&] {
      ++boundary;
      if (next_pause < pauses.size() && boundary == pauses[next_pause]) {
        ++next_pause;
        return false;
      }
      return true;
    });
    o.evaluations += parts->evaluations();
    if (o.result.status != IntegrationStatus::paused) break;
    const std::string state = saved(*parts->integration);
    parts = std::make_unique<Parts>(p, spec);  // a new process
    restore(*parts->integration, state);
    BOOST_TEST(saved(*parts->integration) == state, spec << ": the restored state archives differently");
    --boundary;  // the restored integration meets the boundary it paused at again
  }
  BOOST_TEST(next_pause == pauses.size(), spec << ": paused " << next_pause << " of " << pauses.size() << " times");
  o.final_state = parts->integration->state();
  o.final_archive = saved(*parts->integration);
  return o;
}

void expect_same(const Outcome& a, const Outcome& b, const std::string& what) {
  BOOST_TEST(b.result.status == a.result.status, what);
  BOOST_TEST((b.result.t_reached == a.result.t_reached), what);
  BOOST_TEST(b.result.message == a.result.message, what);
  const IntegrationStats &x = a.result.stats, &y = b.result.stats;
  BOOST_TEST(y.steps == x.steps, what);
  BOOST_TEST(y.rejected == x.rejected, what);
  BOOST_TEST(y.rhs_evaluations == x.rhs_evaluations, what);
  BOOST_TEST(y.jacobian_products == x.jacobian_products, what);
  BOOST_TEST(y.jacobians == x.jacobians, what);
  BOOST_TEST(y.newton_iterations == x.newton_iterations, what);
  BOOST_TEST(y.linear_iterations == x.linear_iterations, what);
  BOOST_TEST(b.evaluations.gradients == a.evaluations.gradients, what);
  BOOST_TEST(b.evaluations.hvps == a.evaluations.hvps, what);
  BOOST_TEST(b.evaluations.values == a.evaluations.values, what);
  BOOST_TEST(b.evaluations.samples == a.evaluations.samples, what);
  BOOST_TEST_REQUIRE(b.times.size() == a.times.size(), what);
  for (std::size_t i = 0; i < a.times.size(); ++i) {
    BOOST_TEST((b.times[i] == a.times[i]), what << ", record " << i);
    BOOST_TEST(same_bits(b.states[i], a.states[i]), what << ", state at record " << i);
  }
  BOOST_TEST(same_bits(b.final_state, a.final_state), what << ", final state");
  BOOST_TEST(b.final_archive == a.final_archive, what << ", final internal state");
}

const Problem& problem_for(const std::string& name) { return name == "euler_maruyama" ? kSde : kOde; }

}  // namespace

BOOST_AUTO_TEST_CASE(every_integrator_resumes_exactly) {
  for (const auto& entry : integrator_registry().entries()) {
    for (const std::string& spec : specs_for(entry.name)) {
      const Problem& p = problem_for(entry.name);
      const Outcome reference = uninterrupted(p, spec);
      BOOST_TEST_REQUIRE(reference.result.status == IntegrationStatus::ok, spec << ": " << reference.result.message);
      BOOST_TEST_REQUIRE(reference.times.size() == p.offsets.size(), spec);
      BOOST_TEST_MESSAGE(spec << ": " << reference.result.stats.steps << " steps, " << reference.result.stats.rejected
                              << " rejected, " << reference.boundaries << " boundaries");
      BOOST_TEST_REQUIRE(reference.boundaries >= 5, spec << ": too few boundaries to test");
      // One pause in the middle, then a pause at every boundary (each restored from the last).
      expect_same(reference, interrupted(p, spec, {reference.boundaries / 2}), spec + ", paused once");
      std::vector<int> every(static_cast<std::size_t>(reference.boundaries));
      for (int k = 0; k < reference.boundaries; ++k) every[static_cast<std::size_t>(k)] = k + 1;
      expect_same(reference, interrupted(p, spec, every), spec + ", paused at every boundary");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_state_of_another_method_or_size_is_refused) {
  Parts dopri(kOde, "dopri5:rtol=1e-6,atol=1e-8");
  dopri.integration->run([](double, const Vec&) { return true; }, [] { return false; });
  const std::string state = saved(*dopri.integration);
  Parts rk4(kOde, "rk4:h=0.02");
  expect_input_error([&] { restore(*rk4.integration, state); }, {"checkpoint", "segment_start"});
  Problem bigger = kOde;
  bigger.objective = "rosenbrock:dim=4";
  Parts wider(bigger, "dopri5:rtol=1e-6,atol=1e-8");
  expect_input_error([&] { restore(*wider.integration, state); }, {"checkpoint", "method.z", "length"});
  Parts abm(kOde, "adams_bashforth_moulton:h=0.02,order=4");
  abm.integration->run([](double, const Vec&) { return true; }, [n = 0]() mutable { return ++n < 3; });
  const std::string history = saved(*abm.integration);
  Parts abm2(kOde, "adams_bashforth_moulton:h=0.02,order=2");
  expect_input_error([&] { restore(*abm2.integration, history); }, {"checkpoint", "method.derivatives"});
}
