// Saddle-free Newton (Dauphin, Pascanu, Gulcehre, Cho, Ganguli, Bengio 2014,
// arXiv:1406.2572; seed 000: "−|H|⁻¹g direction, λ_i → |λ_i|"):
//
//   θ ← θ + η p(λ),   p(λ) = −(|H| + λI)⁻¹ g,   |H| = Q|Λ|Qᵀ for H = QΛQᵀ.
//
// Rescaling each eigendirection by 1/|λ_i| keeps Newton's curvature-adapted step sizes but
// moves DOWNHILL along negative-curvature directions (Newton moves uphill there, which is why
// it is attracted to saddles). Two ways to get |H|:
//
//   mode=exact   the dense Hessian's eigendecomposition (small D; O(D³) per refresh).
//   mode=krylov  Dauphin et al.'s Algorithm 1 ("Approximate saddle-free Newton"; seed 000
//                quotes it, its OCR reads "f̂(α) ← g(θ + Vα)" where the paper has f): k
//                Lanczos vectors V (D × k, orthonormal) of H started from g, so that
//                span V = K_k(H, g) ∋ g; the restriction T = VᵀHV (tridiagonal, from the
//                Lanczos recurrence) = SΘSᵀ; |T| = S|Θ|Sᵀ is the |Ĥ| of f̂(α) = f(θ + Vα);
//                the step is p(λ) = −V S(|Θ| + λI)⁻¹Sᵀ Vᵀg. Costs k HVPs per refresh and
//                O(Dk²) flops for the reorthogonalisation (linalg/lanczos.hpp).
//
// Damping λ (every choice the seed and the paper leave open, written down):
//  * damping_search=true (default; Algorithm 1's "λ ← argmin_λ f̂(…)"): λ is the argmin of
//    F(θ + η p(λ)) over the grid `damping_grid` (default 1e-4/1e-3/…/1e2, log-spaced),
//    one value evaluation per grid point; the argmin is taken even if it increases F (the
//    algorithm has no acceptance test). Ties: the first (smallest) λ.
//  * damping_search=false: λ = `damping` (fixed).
//  * refresh=m: |H| (Q, Λ or V, S, Θ) is recomputed every m steps (Algorithm 1's inner loop
//    "for j = 1 → m" reuses V and |Ĥ| with fresh gradients, then g enters through Vᵀg and
//    the part of g outside span V is dropped). Default m = 1: a fresh subspace each step.
//  * With k = D (and no Lanczos breakdown) span V = R^D and the Krylov step equals the exact
//    one (tests/saddle_free_newton_test.cpp checks this).
//  * g = 0: no step.
// Gradient modifiers: allowed only with damping_search=false (the search evaluates F).
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <limits>

#include "optdyn/core/error.hpp"
#include "optdyn/linalg/lanczos.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "symmetric_solve.hpp"

namespace optdyn {
namespace {

class SaddleFreeNewton final : public Optimizer {
 public:
  explicit SaddleFreeNewton(const Spec& s)
      : Optimizer(s.canonical(), s.positive("lr")),
        krylov_(s.choice("mode", {"exact", "krylov"}) == "krylov"),
        k_(s.integer("k", 1, 1L << 30)),
        damping_(s.positive("damping")),
        search_(s.boolean("damping_search")),
        grid_(s.real_list("damping_grid", '/')),
        refresh_(static_cast<std::uint64_t>(s.integer("refresh", 1, 1L << 40))) {
    for (double l : grid_)
      if (!(l > 0.0) || !std::isfinite(l))
        throw InputError("optimizer 'saddle_free_newton': key 'damping_grid': every λ must be finite and > 0");
  }

 protected:
  void reset_state(Index dim) override {
    if (!krylov_)
      detail::check_dense_dimension(name(), "mode", dim, "use mode=krylov (k Lanczos vectors)");
    direction_.setZero(dim);
    chosen_damping_.setZero(1);
    basis_.resize(0, 0);
  }
  std::vector<OracleAccess> required_access() const override {
    std::vector<OracleAccess> a{krylov_ ? OracleAccess::hessian_vector : OracleAccess::hessian};
    if (search_) a.push_back(OracleAccess::value);
    return a;
  }
  bool accepts_transformed_gradient() const override { return !search_; }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    if (g.squaredNorm() == 0.0) return;
    if (basis_.size() == 0 || (t - 1) % refresh_ == 0) refresh_curvature(theta, g);
    // In the eigenbasis of |H| (exact: columns of Q; Krylov: V S): coefficients of g.
    const Vec c = basis_.transpose() * g;
    double lambda = damping_;
    if (search_) {
      double best = std::numeric_limits<double>::infinity();
      for (double l : grid_) {
        const double f = oracle().value(theta + eta * step(c, l));
        if (f < best || !std::isfinite(best)) {
          best = f;
          lambda = l;
        }
      }
    }
    direction_ = step(c, lambda);
    chosen_damping_[0] = lambda;
    theta.noalias() += eta * direction_;
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"direction", &direction_});
    out.push_back({"damping", &chosen_damping_});
  }

 private:
  // basis_ (D × r, orthonormal) and abs_eigenvalues_ (r) with |H| ≈ basis diag(|λ|) basisᵀ.
  void refresh_curvature(const Vec& theta, const Vec& g) {
    Oracle& o = oracle();
    if (!krylov_) {
      const Eigen::SelfAdjointEigenSolver<Mat> eig(o.hessian(theta));
      basis_ = eig.eigenvectors();
      abs_eigenvalues_ = eig.eigenvalues().cwiseAbs();
      return;
    }
    const LinearOperator h = [&](const Vec& v, Vec& hv) { o.hessian_vector(theta, v, hv); };
    const LanczosResult l = lanczos(h, g, k_);
    Eigen::SelfAdjointEigenSolver<Mat> t;
    t.computeFromTridiagonal(l.alpha, l.beta, Eigen::ComputeEigenvectors);
    basis_ = l.basis * t.eigenvectors();  // V S
    abs_eigenvalues_ = t.eigenvalues().cwiseAbs();
  }

  // p(λ) = −basis (|Λ| + λ)⁻¹ c.
  Vec step(const Vec& c, double lambda) const {
    return -(basis_ * (c.array() / (abs_eigenvalues_.array() + lambda)).matrix());
  }

  bool krylov_;
  Index k_;
  double damping_;
  bool search_;
  std::vector<double> grid_;
  std::uint64_t refresh_;
  Mat basis_;
  Vec abs_eigenvalues_, direction_, chosen_damping_;
};

}  // namespace

OptimizerEntry saddle_free_newton_entry() {
  return optimizer_entry<SaddleFreeNewton>(
      "saddle_free_newton",
      "saddle-free Newton θ −= lr·(|H| + λI)⁻¹g, exact |H| or Krylov/Lanczos (Dauphin et al. 2014, Alg. 1; seed 000)",
      {{"lr", "1", "step scale η"},
       {"mode", "exact", "exact (dense eigendecomposition) | krylov (k Lanczos vectors from g)"},
       {"k", "20", "Krylov subspace dimension (capped at D)"},
       {"damping", "1e-4", "λ > 0 when damping_search=false"},
       {"damping_search", "true", "choose λ = argmin over damping_grid of F(θ + lr·p(λ))"},
       {"damping_grid", "1e-4/1e-3/1e-2/1e-1/1/10/100", "candidate λ values, '/'-separated"},
       {"refresh", "1", "recompute |H| every m steps (Alg. 1's inner loop length)"}});
}

}  // namespace optdyn
