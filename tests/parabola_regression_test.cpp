// parabola_regression (seed 000's online gradient regression, diagonal version). Checked
// against
//  * the seed's raw-moment formulas λ = (gθ¯ − ḡθ̄)/(θ²¯ − θ̄²), p = θ̄ − ḡ/λ with normalised
//    weights w_s = (1−β)β^{t−s}/(1−βᵗ), recomputed here from the recorded (θ_s, g_s) pairs by
//    explicit sums, and the step η sign(λ)(p − θ) / the fallback −fallback_lr·g;
//  * closed forms on x² − y²: after the first (fallback) step the fit is exact (λ = 2 and −2,
//    p = 0), so x_{k+1} = (1−η)x_k and y_{k+1} = (1+η)y_k;
//  * statistics on a noisy parabola ½λ*(θ − p*)² with Gaussian gradient noise σ: the final
//    estimates lie within 4 standard errors of (λ*, p*), the standard errors derived from σ,
//    β (effective sample size n_eff = (1+β)/(1−β)) and the probe amplitude δ (below);
//  * a flat saddle (plateau_saddle, curvature ε = −0.01 along x₀, 1 along x₁): the method
//    escapes (|x₀| > 0.5 within 40 steps) while GD with the step that gives the same
//    contraction along the steep direction (lr = η) creeps (|x₀| grows by 1 + 0.01η per step).
// mode=subspace (the seed's d ≪ D version), checked against
//  * the dense Hessian and the Newton-solved minimiser of a quadratic (d = D, noise-free):
//    VHVᵀ = ∇²F, Vp = θ*, and after a rotation H = diag(eig(∇²F)) in ascending order;
//  * itself with the rotation switched off (ridge = 0, a non-quadratic objective): at the
//    rotation step the statistics, H and p expressed in θ-coordinates (VSVᵀ, VHVᵀ, Vā, Vp)
//    agree, V stays orthonormal and the rotated H's symmetric part is diagonal;
//  * the diagonal mode: d = 1 with V = e₀ on a separable noisy quadratic gives the same
//    statistics, fit and trajectory on coordinate 0, and plain GD steps −fallback_lr·g on
//    the other coordinates (the complement of V);
//  * Gram–Schmidt by hand: init=gradients builds V from the first gradients, and a refresh
//    replaces the weakest column by the normalised residual of the gradient outside V with
//    its statistics restarted;
//  * the flat saddle above, with the flat direction inside a d = 2 subspace of D = 4.
#define BOOST_TEST_MODULE parabola_regression
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(fit_and_step_equal_the_seed_formulas) {
  const double beta = 0.8, eta = 0.7, fallback = 0.05;
  // A noisy anisotropic quadratic in D = 2: g = A(θ − θ*) + noise.
  auto rng = std::make_shared<Rng>(3);
  FunctionOracle oracle(2, [rng](const Vec& theta, Vec& g) {
    g[0] = 3.0 * (theta[0] - 1.0) + 0.3 * rng->normal();
    g[1] = -0.5 * (theta[1] + 2.0) + 0.3 * rng->normal();
    return 0.0;
  });
  OptimizerPtr opt =
      make_optimizer("parabola_regression:lr=0.7,beta=0.8,fallback_lr=0.05,max_step=1e6,min_curvature=0");
  opt->reset(2);
  std::vector<Vec> thetas, grads;
  Vec theta = vec({0.2, -1.0});
  for (int t = 1; t <= 25; ++t) {
    const Vec before = theta;
    opt->step(theta, oracle);
    thetas.push_back(before);
    grads.push_back(opt->last_gradient());
    for (Index i = 0; i < 2; ++i) {
      double norm = 0, mt = 0, mg = 0, mtg = 0, mtt = 0;
      for (int s = 1; s <= t; ++s) {
        const double w = (1.0 - beta) * std::pow(beta, t - s);
        const double th = thetas[s - 1][i], g = grads[s - 1][i];
        norm += w, mt += w * th, mg += w * g, mtg += w * th * g, mtt += w * th * th;
      }
      mt /= norm, mg /= norm, mtg /= norm, mtt /= norm;
      const double step = theta[i] - before[i];
      if (t == 1) {  // var = 0: the fallback gradient step
        BOOST_TEST(std::isnan(opt->state("curvature")[i]));
        BOOST_TEST(std::abs(step + fallback * grads[0][i]) <= 1e-15);
        continue;
      }
      const double lambda = (mtg - mg * mt) / (mtt - mt * mt);
      const double p = mt - mg / lambda;
      BOOST_TEST(std::abs(opt->state("curvature")[i] - lambda) <= 1e-8 * std::abs(lambda), "t " << t << " i " << i);
      BOOST_TEST(std::abs(opt->state("target")[i] - p) <= 1e-8 * std::max(1.0, std::abs(p)), "t " << t << " i " << i);
      const double expected = eta * (lambda > 0 ? 1.0 : -1.0) * (p - before[i]);
      BOOST_TEST(std::abs(step - expected) <= 1e-8 * std::max(1.0, std::abs(expected)), "t " << t << " i " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(closed_form_on_the_saddle) {
  ObjectivePtr f = make_objective("saddle");
  ObjectiveOracle oracle(*f);
  const double eta = 0.5, fallback = 0.01;
  OptimizerPtr opt = make_optimizer("parabola_regression:lr=0.5,fallback_lr=0.01,max_step=100");
  opt->reset(2);
  Vec theta = vec({1.0, 1e-3});
  opt->step(theta, oracle);  // fallback: θ − 0.01·(2x, −2y)
  double x = 1.0 - 2.0 * fallback, y = 1e-3 * (1.0 + 2.0 * fallback);
  BOOST_TEST(std::abs(theta[0] - x) <= 1e-15);
  BOOST_TEST(std::abs(theta[1] - y) <= 1e-18);
  int escaped_at = 0;
  for (int k = 2; k <= 20; ++k) {
    opt->step(theta, oracle);
    x *= 1.0 - eta;
    y *= 1.0 + eta;
    // p_x = x̄ − ḡ/λ cancels: x̄ is dominated by older, larger x (weights (2β)^j grow), so the
    // rounding error is absolute, ~ε·x₀, while x_k itself shrinks like 2^{−k}.
    BOOST_TEST(std::abs(theta[0] - x) <= 1e-12 * std::abs(x) + 1e-15, "step " << k);
    BOOST_TEST(std::abs(theta[1] - y) <= 1e-12 * std::abs(y), "step " << k);
    BOOST_TEST(std::abs(opt->state("curvature")[1] + 2.0) <= 1e-9);
    if (escaped_at == 0 && std::abs(theta[1]) > 1.0) escaped_at = k;
  }
  // y₁ = 1.02e-3, then ×1.5 per step: |y| > 1 at step 1 + ⌈ln(1/1.02e-3)/ln 1.5⌉ = 18.
  BOOST_TEST(escaped_at == 18);
  BOOST_TEST(opt->state("counts")[1] == 2.0);  // the two fallback coordinates of step 1
}

BOOST_AUTO_TEST_CASE(recovers_curvature_and_minimum_of_a_noisy_parabola) {
  const double lambda_star = 2.0, p_star = 1.5, sigma = 0.1;
  const double beta = 0.995, probe = 0.1;
  auto rng = std::make_shared<Rng>(Rng::derived(20240607, 1));
  FunctionOracle oracle(1, [=](const Vec& theta, Vec& g) {
    const double d = theta[0] - p_star;
    g[0] = lambda_star * d + sigma * rng->normal();
    return 0.5 * lambda_star * d * d;
  });
  OptimizerPtr opt = make_optimizer("parabola_regression:lr=1,beta=0.995,probe=0.1");
  opt->reset(1);
  Vec theta = vec({0.0});
  for (int t = 0; t < 3000; ++t) opt->step(theta, oracle);
  // Standard errors of the weighted least-squares fit with n_eff = (1+β)/(1−β) = 399 pairs,
  // the regressor's spread std_w(θ) ≥ δ (the probe alternates the target by ±δ):
  //   se(λ) ≤ σ/(δ√n_eff) = 0.05,   se(p) ≈ σ/(λ*√n_eff) = 0.0025.
  const double n_eff = (1.0 + beta) / (1.0 - beta);
  const double se_lambda = sigma / (probe * std::sqrt(n_eff));
  const double se_p = sigma / (lambda_star * std::sqrt(n_eff));
  const double lambda = opt->state("curvature")[0], p = opt->state("target")[0];
  BOOST_TEST_MESSAGE("λ = " << lambda << " (se " << se_lambda << "), p = " << p << " (se " << se_p << ")");
  BOOST_TEST(std::abs(lambda - lambda_star) <= 4.0 * se_lambda, "λ = " << lambda);
  BOOST_TEST(std::abs(p - p_star) <= 4.0 * se_p, "p = " << p);
  BOOST_TEST(opt->state("var_theta")[0] >= 0.9 * probe * probe);
}

BOOST_AUTO_TEST_CASE(escapes_a_flat_saddle_where_gd_creeps) {
  ObjectivePtr f = make_objective("plateau_saddle:dim=2,flat=1,eps=-0.01");
  const int steps = 40;
  auto run = [&](const std::string& spec) {
    OptimizerPtr opt = make_optimizer(spec);
    opt->reset(2);
    ObjectiveOracle oracle(*f);
    Vec theta = vec({1e-3, 1.0});
    for (int k = 0; k < steps; ++k) opt->step(theta, oracle);
    return theta;
  };
  const Vec pr = run("parabola_regression:lr=0.5");
  const Vec gd = run("gd:lr=0.5");  // contraction 1 − 0.5 along the steep direction, as η = 0.5
  BOOST_TEST_MESSAGE("parabola_regression x = " << pr.transpose() << "; gd x = " << gd.transpose());
  BOOST_TEST(std::abs(pr[0]) > 0.5);
  // GD: x₀ ≈ 1e-3 (1 + 0.5·0.01)^40 = 1.22e-3 (the cubic terms are negligible at 1e-3).
  BOOST_TEST(std::abs(gd[0]) < 1.3e-3);
  BOOST_TEST(std::abs(gd[0] - 1e-3 * std::pow(1.005, steps)) <= 1e-6);
}

BOOST_AUTO_TEST_CASE(bad_keys) {
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:beta=1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:max_step=0"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:probe=-1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:lr=0"), InputError);
}

// ---- mode=subspace -------------------------------------------------------------------------

namespace {

Mat as_matrix(const Vec& v, Index rows, Index cols) { return Eigen::Map<const Mat>(v.data(), rows, cols); }

double max_abs(const Mat& m) { return m.cwiseAbs().maxCoeff(); }

}  // namespace

BOOST_AUTO_TEST_CASE(subspace_with_d_equal_to_D_recovers_hessian_and_stationary_point) {
  // Quadratics with Haar-rotated eigenbases and θ* ≠ 0, noise-free: every pair satisfies
  // b = (VᵀAV)a + c, so S_ba = (VᵀAV)S_aa and the fit with the ridge r on the correlations is,
  // in closed form, H = (VᵀAV) S_aa (S_aa + r·diag S_aa)⁻¹ → VᵀAV as r → 0. In D = 5 the GD
  // warm-up excites S_aa very unevenly (correlation eigenvalues down to ~1e-16; a Krylov basis),
  // so r = 0 would leave every direction unidentified and the default r = 1e-8 is used, with
  // an O(r·cond) bias; in D = 3 with well-separated GD factors r = 0 works and is exact.
  struct Case {
    std::string spec, ridge, fallback_lr;
    double tol;  // on VHVᵀ − ∇²F, Vp − θ*, λ and the off-diagonal of H after the rotation
  };
  for (const Case& c : {Case{"quadratic:eigs=4/2/1/0.5/0.25,seed=3,shift=1", "1e-8", "0.1", 1e-5},
                        Case{"quadratic:eigs=3/1/-0.5/0.2/0.1,seed=4,shift=1", "1e-8", "0.1", 1e-5},
                        Case{"quadratic:eigs=2/-1/0.5,seed=6,shift=1", "0", "0.3", 1e-10}}) {
    ObjectivePtr f = make_objective(c.spec);
    ObjectiveOracle oracle(*f);
    const Index D = f->dim();
    const double ridge = std::stod(c.ridge);
    Vec theta = vec({0.3, -0.2, 0.5, 0.1, -0.4}).head(D);
    const Mat A = f->hessian(theta);                                         // dense, constant
    const Vec stationary = theta - A.fullPivLu().solve(f->gradient(theta));  // one Newton step
    const Eigen::SelfAdjointEigenSolver<Mat> eig(A);                         // ascending
    OptimizerPtr opt = make_optimizer("parabola_regression:mode=subspace,init=random,seed=1,every=4,d=" +
                                      std::to_string(D) + ",ridge=" + c.ridge + ",fallback_lr=" + c.fallback_lr);
    opt->reset(D);
    for (int t = 1; t <= 12; ++t) opt->step(theta, oracle);  // step 12 rotates
    const Mat V = as_matrix(opt->state("basis"), D, D);
    const Mat H = as_matrix(opt->state("hessian"), D, D);
    const Mat S = as_matrix(opt->state("cov_aa"), D, D);
    const Vec p = opt->state("target");
    Mat shifted = S;
    shifted.diagonal() *= 1.0 + ridge;
    const Mat closed_form = V.transpose() * A * V * S * shifted.inverse();
    const double h_error = max_abs(V * H * V.transpose() - A), p_error = (V * p - stationary).cwiseAbs().maxCoeff();
    BOOST_TEST_MESSAGE(c.spec << ", ridge " << c.ridge << ": |H − closed form| = " << max_abs(H - closed_form)
                              << ", |VHVᵀ − ∇²F| = " << h_error << ", |Vp − θ*| = " << p_error);
    BOOST_TEST(max_abs(V.transpose() * V - Mat::Identity(D, D)) <= 1e-12);
    BOOST_TEST(max_abs(H - closed_form) <= 1e-8 * max_abs(A), c.spec);
    BOOST_TEST(h_error <= c.tol * max_abs(A), c.spec);  // r = 1e-8: measured ≤ 1.3e-6
    BOOST_TEST(p_error <= c.tol * (1.0 + stationary.norm()), c.spec);
    for (Index i = 0; i < D; ++i)
      BOOST_TEST(std::abs(opt->state("curvature")[i] - eig.eigenvalues()[i]) <= c.tol * max_abs(A), c.spec << " i " << i);
    // Right after the rotation H is diagonal with λ ascending (up to the ridge's bias: the
    // refit after the rotation regularises with the new basis' diag S_aa).
    Mat off = H;
    off.diagonal().setZero();
    BOOST_TEST(max_abs(off) <= c.tol * max_abs(H), c.spec);
    BOOST_TEST(opt->state("counts")[3] == 3.0);  // rotations at steps 4, 8, 12
  }
}

BOOST_AUTO_TEST_CASE(rotation_leaves_the_model_invariant) {
  // Non-quadratic (quartic and sextic terms), random 3-dimensional subspace of D = 4: H is
  // neither diagonal nor symmetric. Two runs, identical until step T; one rotates at T.
  ObjectivePtr f = make_objective("plateau_saddle:dim=4,flat=2,eps=-0.1");
  const Index D = 4, d = 3;
  const int T = 8;
  auto run = [&](const std::string& every) {
    OptimizerPtr opt = make_optimizer("parabola_regression:mode=subspace,d=3,init=random,seed=2,ridge=0,"
                                      "fallback_lr=0.2,every=" + every);
    opt->reset(D);
    ObjectiveOracle oracle(*f);
    Vec theta = vec({0.7, -0.5, 0.6, 0.9});
    for (int t = 1; t <= T; ++t) opt->step(theta, oracle);
    return opt;
  };
  OptimizerPtr plain = run("0"), rotated = run(std::to_string(T));
  BOOST_TEST(plain->state("counts")[3] == 0.0);
  BOOST_TEST(rotated->state("counts")[3] == 1.0);
  const Mat V0 = as_matrix(plain->state("basis"), D, d), V1 = as_matrix(rotated->state("basis"), D, d);
  BOOST_TEST(max_abs(V1.transpose() * V1 - Mat::Identity(d, d)) <= 1e-12);
  BOOST_TEST(max_abs(V1 - V0) > 0.1);  // the rotation did something
  auto in_theta = [&](const OptimizerPtr& opt, const Mat& V, const std::string& name) {
    return Mat(V * as_matrix(opt->state(name), d, d) * V.transpose());
  };
  for (const std::string name : {"cov_aa", "cov_ba", "hessian"}) {
    const Mat M0 = in_theta(plain, V0, name), M1 = in_theta(rotated, V1, name);
    BOOST_TEST(max_abs(M1 - M0) <= 1e-10 * max_abs(M0), name << ": " << max_abs(M1 - M0));
  }
  for (const std::string name : {"mean_a", "mean_b", "target"}) {
    const Vec v0 = V0 * plain->state(name), v1 = V1 * rotated->state(name);
    BOOST_TEST(v0.allFinite());  // every direction usable in both bases
    BOOST_TEST((v1 - v0).cwiseAbs().maxCoeff() <= 1e-10 * v0.cwiseAbs().maxCoeff(), name);
  }
  const Mat H1 = as_matrix(rotated->state("hessian"), d, d), H0 = as_matrix(plain->state("hessian"), d, d);
  Mat sym_off = 0.5 * (H1 + H1.transpose());
  sym_off.diagonal().setZero();
  Mat before_off = 0.5 * (H0 + H0.transpose());
  before_off.diagonal().setZero();
  BOOST_TEST_MESSAGE("off-diagonal of sym(H): before " << max_abs(before_off) << ", after " << max_abs(sym_off)
                                                      << "; antisymmetric part " << max_abs(H1 - H1.transpose()));
  BOOST_TEST(max_abs(before_off) > 1e-3 * max_abs(H0));
  BOOST_TEST(max_abs(sym_off) <= 1e-10 * max_abs(H1));
  // Ascending eigenvalues of the symmetric part on the diagonal.
  BOOST_TEST(H1(0, 0) <= H1(1, 1));
  BOOST_TEST(H1(1, 1) <= H1(2, 2));
}

BOOST_AUTO_TEST_CASE(subspace_d1_on_an_axis_reproduces_the_diagonal_statistics) {
  // Separable noisy quadratic, D = 3; coordinate 0's gradient depends on θ₀ and the first
  // normal draw only, so with the same noise stream both runs see the same θ₀ and g₀.
  auto oracle_with_seed = [](std::uint64_t seed) {
    auto rng = std::make_shared<Rng>(seed);
    return FunctionOracle(3, [rng](const Vec& theta, Vec& g) {
      g[0] = 2.0 * (theta[0] - 1.0) + 0.2 * rng->normal();
      g[1] = 0.5 * (theta[1] + 1.0) + 0.2 * rng->normal();
      g[2] = -0.3 * theta[2] + 0.2 * rng->normal();
      return 0.0;
    });
  };
  const std::string shared = "lr=0.7,beta=0.8,fallback_lr=0.05,probe=0.05";
  OptimizerPtr diagonal = make_optimizer("parabola_regression:" + shared);
  OptimizerPtr subspace = make_optimizer("parabola_regression:mode=subspace,d=1,init=axes,ridge=0,every=5," + shared);
  diagonal->reset(3), subspace->reset(3);
  FunctionOracle o1 = oracle_with_seed(7), o2 = oracle_with_seed(7);
  Vec x = vec({0.0, 0.5, 0.2}), y = x;
  auto close = [](double u, double v) {
    if (std::isnan(u) || std::isnan(v)) return std::isnan(u) && std::isnan(v);
    return std::abs(u - v) <= 1e-10 * std::max(1.0, std::abs(u));
  };
  for (int t = 1; t <= 60; ++t) {
    const Vec before = y;
    diagonal->step(x, o1);
    subspace->step(y, o2);
    BOOST_TEST(close(x[0], y[0]), "t " << t);
    BOOST_TEST(close(diagonal->state("mean_theta")[0], subspace->state("mean_a")[0]), "t " << t);
    BOOST_TEST(close(diagonal->state("mean_grad")[0], subspace->state("mean_b")[0]), "t " << t);
    BOOST_TEST(close(diagonal->state("var_theta")[0], subspace->state("cov_aa")[0]), "t " << t);
    BOOST_TEST(close(diagonal->state("cov_grad_theta")[0], subspace->state("cov_ba")[0]), "t " << t);
    BOOST_TEST(close(diagonal->state("curvature")[0], subspace->state("curvature")[0]), "t " << t);
    BOOST_TEST(close(diagonal->state("target")[0], subspace->state("target")[0]), "t " << t);
    // Outside V = span(e₀): θ_i −= fallback_lr·g_i.
    for (Index i = 1; i < 3; ++i)
      BOOST_TEST(std::abs(y[i] - (before[i] - 0.05 * subspace->last_gradient()[i])) <= 1e-15, "t " << t);
  }
  BOOST_TEST(subspace->state("basis")[0] == 1.0);  // rotations by O = (1) keep e₀
  BOOST_TEST(subspace->state("counts")[3] == 12.0);
}

BOOST_AUTO_TEST_CASE(subspace_basis_from_gradients_and_refresh_by_gram_schmidt) {
  ObjectivePtr f = make_objective("quadratic:eigs=3/2/1/0.5/0.2/0.1,seed=5,shift=1");
  ObjectiveOracle oracle(*f);
  const Index D = 6;
  const int R = 6;
  OptimizerPtr opt = make_optimizer("parabola_regression:mode=subspace,d=2,init=gradients,every=0,refresh=" +
                                    std::to_string(R) + ",fallback_lr=0.1");
  opt->reset(D);
  Vec theta = vec({1.0, -1.0, 0.5, 0.3, -0.2, 0.8});
  std::vector<Vec> grads;
  for (int t = 1; t <= R; ++t) {
    const Vec before = theta;
    const Mat V_before = as_matrix(opt->state("basis"), D, opt->state("basis").size() / D);
    const Vec curvature_before = opt->state("curvature");
    opt->step(theta, oracle);
    const Vec g = opt->last_gradient();
    grads.push_back(g);
    const Mat V = as_matrix(opt->state("basis"), D, opt->state("basis").size() / D);
    BOOST_TEST(max_abs(V.transpose() * V - Mat::Identity(V.cols(), V.cols())) <= 1e-12, "t " << t);
    if (t <= 2) {  // v_t = normalised residual of g_t outside the earlier columns
      Vec r = g;
      for (Index j = 0; j < V_before.cols(); ++j) {
        double c = 0;
        for (Index i = 0; i < D; ++i) c += V_before(i, j) * g[i];
        for (Index i = 0; i < D; ++i) r[i] -= c * V_before(i, j);
      }
      r /= r.norm();
      BOOST_TEST(V.cols() == t);
      BOOST_TEST((V.col(t - 1) - r).cwiseAbs().maxCoeff() <= 1e-12, "t " << t);
    }
    if (t == R) {  // refresh: the column with the smallest |λ| (NaN = 0) before the step
      Index weakest = 0;
      double best = std::numeric_limits<double>::infinity();
      for (Index i = 0; i < 2; ++i) {
        const double s = std::isnan(curvature_before[i]) ? 0.0 : std::abs(curvature_before[i]);
        if (s < best) best = s, weakest = i;
      }
      Vec r = g - V_before * (V_before.transpose() * g);
      r /= r.norm();
      BOOST_TEST((V.col(weakest) - r).cwiseAbs().maxCoeff() <= 1e-12);
      BOOST_TEST(max_abs(V.col(1 - weakest) - V_before.col(1 - weakest)) == 0.0);
      // Its statistics restart at the current pair: constant history, zero co-moments.
      BOOST_TEST(std::abs(opt->state("mean_a")[weakest] - r.dot(before)) <= 1e-12);
      BOOST_TEST(std::abs(opt->state("mean_b")[weakest] - r.dot(g)) <= 1e-12);
      const Mat Saa = as_matrix(opt->state("cov_aa"), 2, 2), Sba = as_matrix(opt->state("cov_ba"), 2, 2);
      // (zero up to rounding: the rotated co-moments are sums of products that cancel; GCC
      // gives exact zeros, clang 2e-18)
      BOOST_TEST(Saa.row(weakest).cwiseAbs().maxCoeff() <= 1e-15);
      BOOST_TEST(Saa.col(weakest).cwiseAbs().maxCoeff() <= 1e-15);
      BOOST_TEST(Sba.row(weakest).cwiseAbs().maxCoeff() <= 1e-15);
      BOOST_TEST(Sba.col(weakest).cwiseAbs().maxCoeff() <= 1e-15);
      BOOST_TEST(std::isnan(opt->state("curvature")[weakest]));
    }
  }
  BOOST_TEST(opt->state("counts")[4] == 3.0);  // two grown columns, one refresh
}

BOOST_AUTO_TEST_CASE(subspace_escapes_a_flat_saddle_where_gd_creeps) {
  // Flat direction x₀ (curvature −0.01) inside V = span(e₀, e₁); x₂, x₃ (curvature 1) outside.
  ObjectivePtr f = make_objective("plateau_saddle:dim=4,flat=1,eps=-0.01");
  const int steps = 40;
  auto run = [&](const std::string& spec) {
    OptimizerPtr opt = make_optimizer(spec);
    opt->reset(4);
    ObjectiveOracle oracle(*f);
    Vec theta = vec({1e-3, 1.0, 1.0, 1.0});
    for (int k = 0; k < steps; ++k) opt->step(theta, oracle);
    return theta;
  };
  const Vec pr = run("parabola_regression:mode=subspace,d=2,init=axes,lr=0.5,fallback_lr=0.5");
  const Vec gd = run("gd:lr=0.5");
  BOOST_TEST_MESSAGE("subspace parabola_regression x = " << pr.transpose() << "; gd x = " << gd.transpose());
  BOOST_TEST(std::abs(pr[0]) > 0.5);
  BOOST_TEST(std::abs(gd[0] - 1e-3 * std::pow(1.005, steps)) <= 1e-6);
  // The complement (x₂, x₃) took GD steps with fallback_lr = 0.5: x = 0.5^40.
  BOOST_TEST(std::abs(pr[2]) <= 1e-10);
}

BOOST_AUTO_TEST_CASE(subspace_bad_keys) {
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:mode=subspace,d=0"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:mode=subspace,every=-1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:mode=subspace,refresh=-1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:mode=subspace,init=svd"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:mode=subspace,weak=age"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:mode=subspace,ridge=-1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:mode=subspace,min_unexplained=1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:mode=full"), InputError);
}
