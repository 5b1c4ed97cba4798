// example_gd_stability — the worked example of README "Write your own experiment": a whole
// experiment in one page, built only from the typed API (no spec strings) and the harness.
//
// Gradient descent on an ill-conditioned quadratic F(θ) = ½(θ − θ*)ᵀA(θ − θ*), A = Q diag(λ) Qᵀ,
// at step sizes η = c·2/L around the stability edge 2/L. GD is linear in the eigenbasis
// coordinates e = Qᵀ(θ − θ*), e_{k,i} = (1 − ηλ_i)^k e_{0,i}, so the loss has a closed form
//   F(θ_k) = ½ Σ_i λ_i (1 − ηλ_i)^{2k} e_{0,i}²          (doc/references.md, "Stability")
// and GD converges iff η < 2/L, at the rate ρ = max_i |1 − ηλ_i| per step.
// loss.csv holds the iterated loss beside the closed form (the test checks that they agree);
// manifest.json notes ρ for each c and the step at which a run with ρ > 1 overflowed.
#include <cmath>
#include <string>

#include "harness/experiment.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "optdyn/optimizers/oracle.hpp"

using namespace optdyn;

// ½ Σ λ_i (1 − ηλ_i)^{2k} e_i²: the loss of GD after k steps from e = Qᵀ(θ₀ − θ*).
double closed_form_loss(const Vec& lambda, const Vec& e0, double lr, long k) {
  const Vec factor = (1.0 - lr * lambda.array()).pow(2.0 * static_cast<double>(k));
  return 0.5 * (lambda.array() * factor.array() * e0.array().square()).sum();
}

int main(int argc, char** argv) {
  const harness::ExperimentInfo info{
      "example_gd_stability",
      "GD on a quadratic at step sizes around 2/L, iterated and in closed form (README's worked example)",
      {// key, quick-scale default, full-scale default, help
       {"dim", "50", "500", "dimension D"},
       {"kappa", "100", "1e4", "condition number L/mu (log-spaced eigenvalues from L = 1)"},
       {"fractions", "0.5/0.9/0.99/1.05", "0.25/0.5/0.9/0.99/1.01/1.05", "step sizes as fractions c of 2/L"},
       {"steps", "300", "5000", "GD steps per step size"},
       {"record_every", "5", "10", "rows every this many steps"}}};

  return harness::run_experiment(argc, argv, info, [](harness::Experiment& ex) {
    // 1. Parameters: every value is checked (exit 2 naming the key) before any file is opened.
    const Spec& p = ex.params();
    const long steps = p.integer("steps", 1, 1000000);
    const long every = p.integer("record_every", 1, steps);
    const std::vector<double> fractions = p.real_list("fractions", '/');

    // 2. The objective from its typed parameters (its rotation Q drawn from the seed).
    const auto f = make_quadratic({.dim = p.integer("dim", 2, 2000), .kappa = p.real("kappa", 1.0, 1e12), .seed = ex.seed()});
    const Vec& lambda = f->eigenvalues();
    const double L = lambda.maxCoeff();

    // 3. A random start from its own stream of the seed, and e₀ = Qᵀ(θ₀ − θ*).
    Rng rng = Rng::derived(ex.seed(), 1);
    const Vec theta0 = rng.normal_vector(f->dim());
    const Vec e0 = f->rotation().transpose() * (theta0 - f->minimizer());

    // 4. One GD run per step size, through the shared step loop (Optimizer::step).
    harness::CsvWriter& csv = ex.csv("loss.csv", {"fraction", "lr", "step", "loss", "loss_closed_form"});
    for (const double c : fractions) {
      const double lr = c * 2.0 / L;
      const double rate = (1.0 - lr * lambda.array()).abs().maxCoeff();
      ex.note("rate_c" + format_shortest(c), format_shortest(rate));

      OptimizerPtr gd = make_gd({.lr = lr});  // checked like the spec gd:lr=...
      gd->reset(f->dim());
      ObjectiveOracle oracle(*f);
      Vec theta = theta0;
      for (long k = 0; k <= steps; ++k) {
        const double loss = f->value(theta);
        if (!std::isfinite(loss)) {  // ρ > 1: the loss grows like ρ^{2k} until it overflows
          ex.note("overflow_step_c" + format_shortest(c), std::to_string(k));
          break;
        }
        if (k % every == 0) csv.row({c, lr, static_cast<long long>(k), loss, closed_form_loss(lambda, e0, lr, k)});
        if (k == steps) break;
        try {
          gd->step(theta, oracle);
        } catch (const DivergenceError&) {  // expected past 2/L: the overflow is the datum
          ex.note("overflow_step_c" + format_shortest(c), std::to_string(k + 1));
          break;
        }
      }
    }
  });
}
