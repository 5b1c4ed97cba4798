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
#include "optdyn/optimizers/saddle_free_newton.hpp"
#include "symmetric_solve.hpp"

namespace optdyn {
namespace {

class SaddleFreeNewton final : public Optimizer {
 public:
  SaddleFreeNewton(const SaddleFreeNewtonParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr),
        krylov_(p.mode == SaddleFreeNewtonParams::Mode::krylov),
        k_(p.k),
        damping_(p.damping),
        search_(p.damping_search),
        grid_(p.damping_grid),
        refresh_(static_cast<std::uint64_t>(p.refresh)) {}

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

  // The eigenbasis persists between refreshes: D × r with r eigenvalues (r = 0 before the first).
  void archive_state(StateArchive& a) override {
    Optimizer::archive_state(a);
    if (a.saving() && basis_.size() == 0) {  // no basis yet (either shape means "refresh next step")
      basis_.resize(0, 0);
      abs_eigenvalues_.resize(0);
    }
    auto r = static_cast<std::int64_t>(basis_.cols());
    a.field("rank", r, 0, std::max<Index>(dim(), k_));
    a.field("basis", basis_, r == 0 ? 0 : dim(), r);
    a.field("abs_eigenvalues", abs_eigenvalues_, r);
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
    const FunctionOperator h(theta.size(), [&](const Vec& v, Vec& hv) { o.hessian_vector(theta, v, hv); });
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

const ParamTable<SaddleFreeNewtonParams>& SaddleFreeNewtonParams::table() {
  using P = SaddleFreeNewtonParams;
  static const auto t =
      ParamTable<P>(
          "optimizer", "saddle_free_newton",
          "saddle-free Newton θ −= lr·(|H| + λI)⁻¹g, exact |H| or Krylov/Lanczos (Dauphin et al. 2014, Alg. 1; seed 000)")
          .real("lr", &P::lr, Range::positive(), "step scale η")
          .choice("mode", &P::mode, {{"exact", P::Mode::exact}, {"krylov", P::Mode::krylov}},
                  "exact (dense eigendecomposition) | krylov (k Lanczos vectors from g)")
          .integer("k", &P::k, 1, 1L << 30, "Krylov subspace dimension (capped at D)")
          .real("damping", &P::damping, Range::positive(), "λ > 0 when damping_search=false")
          .flag("damping_search", &P::damping_search, "choose λ = argmin over damping_grid of F(θ + lr·p(λ))")
          .reals("damping_grid", &P::damping_grid, '/', "candidate λ values, '/'-separated")
          .integer("refresh", &P::refresh, 1, 1L << 40, "recompute |H| every m steps (Alg. 1's inner loop length)")
          .rule([](const P& p, const Spec& s) {
            for (double l : p.damping_grid)
              if (!(l > 0.0) || !std::isfinite(l)) s.reject("damping_grid", "every λ must be finite and > 0");
          });
  return t;
}

OptimizerPtr make_saddle_free_newton(const SaddleFreeNewtonParams& params) {
  return make_typed_optimizer<SaddleFreeNewton>(params);
}

OptimizerEntry saddle_free_newton_entry() { return typed_optimizer_entry<SaddleFreeNewton, SaddleFreeNewtonParams>(); }

}  // namespace optdyn
