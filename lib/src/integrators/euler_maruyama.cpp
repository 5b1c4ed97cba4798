// Euler–Maruyama for dZ = F(Z, t) dt + G(Z, t) dW (Kloeden & Platen, Numerical Solution of
// SDEs, 1992, §9.1; strong order ½, weak order 1):
//   Z_{n+1} = Z_n + h F(Z_n, t_n) + √h G(Z_n, t_n) ξ_n,   ξ_n ~ N(0, I_{noise_dim}) i.i.d.
// The ξ_n come from one optdyn::Rng owned by the integrator, seeded from the spec
// (Rng::derived(seed, kNoiseStream)) when the integrator is made: a fresh integrator from the
// same spec gives the same path; a second integrate() call on the same object continues the
// stream (so that a run integrated piece by piece does not reuse noise). On an ODE flow
// (noise_dim = 0) this is explicit Euler.
#include <cmath>

#include "driver.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/integrators/euler_maruyama.hpp"
#include "optdyn/integrators/registry.hpp"

namespace optdyn {
namespace {

// Stream id of the noise increments under the user's seed ("EM" in ASCII).
constexpr std::uint64_t kNoiseStream = 0x454d;

// One step Z ← Z + h F(Z, t) + √h G(Z, t) ξ; what it carries from step to step is the
// position of the noise stream (the integrator's Rng).
struct NoiseStep {
  const Flow* flow;
  IntegrationStats* stats;
  Rng* rng;
  Vec drift, kick;
  IntegrationStatus operator()(Vec& state, double t, double h, std::string&) {
    const Index noise_dim = flow->noise_dim();
    flow->derivative(state, drift, t);
    ++stats->rhs_evaluations;
    if (noise_dim > 0) flow->diffusion_times(state, t, rng->normal_vector(noise_dim), kick);
    state.noalias() += h * drift;
    if (noise_dim > 0) state.noalias() += std::sqrt(h) * kick;
    return IntegrationStatus::ok;
  }
  void archive(StateArchive& a, Index) { a.field("rng", *rng); }
};

class EulerMaruyama final : public Integrator {
 public:
  EulerMaruyama(const EulerMaruyamaParams& p, std::string spec)
      : spec_(std::move(spec)), h_(p.h), rng_(Rng::derived(p.seed, kNoiseStream)) {}
  std::string spec() const override { return spec_; }
  bool stochastic() const override { return true; }

  std::unique_ptr<Integration> start(const Flow& flow, const Vec& z, double t0,
                                     std::span<const double> record_times) override {
    integrators::check_inputs(spec_, true, flow, z, t0, record_times);
    return integrators::fixed_step_integration(z, t0, record_times, h_, [this, &flow](IntegrationStats& stats) {
      return NoiseStep{&flow, &stats, &rng_, {}, {}};
    });
  }

 private:
  std::string spec_;
  double h_;
  Rng rng_;
};

}  // namespace

const ParamTable<EulerMaruyamaParams>& EulerMaruyamaParams::table() {
  using P = EulerMaruyamaParams;
  static const auto t =
      ParamTable<P>("integrator", "euler_maruyama",
                    "Euler–Maruyama Z ← Z + h F + √h G ξ, ξ ~ N(0, I) from a seeded stream (SDE flows; explicit Euler on ODEs)")
          .real("h", &P::h, Range::positive(), "step size (record times are hit exactly; a shortened step uses √(its length))")
          .seed("seed", &P::seed, "seed of the noise increments (same spec ⇒ same path)");
  return t;
}

IntegratorPtr make_euler_maruyama(const EulerMaruyamaParams& p) { return make_typed_integrator<EulerMaruyama>(p); }

IntegratorEntry euler_maruyama_entry() { return typed_integrator_entry<EulerMaruyama, EulerMaruyamaParams>(); }

}  // namespace optdyn
