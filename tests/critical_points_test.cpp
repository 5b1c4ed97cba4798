// Tests of the critical_points module (analysis/critical_points/) and the MLP symmetry
// operations (objectives/mlp_symmetry.hpp), against independent results:
//  * closed-form saddles: x² − y² (index 1/2) and the monkey saddle x³ − 3xy² (zero Hessian);
//  * deep linear networks, whose critical points are known from the SVD of Σ³¹ (Baldi & Hornik
//    1989; Saxe et al. 2014): loss and number of negative Hessian eigenvalues in closed form;
//  * the spherical p-spin's Riemannian gradient and Hessian against central finite differences
//    along geodesics, and against spherical_pspin's own formulas;
//  * deduplication: permuted and sign-flipped copies are the same point, other points are not.
#define BOOST_TEST_MODULE critical_points
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "optdyn/analysis/critical_points/critical_point.hpp"
#include "optdyn/analysis/critical_points/critical_point_search.hpp"
#include "optdyn/analysis/critical_points/critical_point_solver.hpp"
#include "optdyn/analysis/critical_points/deduplication.hpp"
#include "optdyn/analysis/critical_points/gradient_norm_objective.hpp"
#include "optdyn/analysis/critical_points/network_symmetry.hpp"
#include "optdyn/analysis/critical_points/sphere_geometry.hpp"
#include "optdyn/analysis/critical_points/starting_points.hpp"
#include "optdyn/analysis/saxe_modes.hpp"
#include "optdyn/objectives/mlp_symmetry.hpp"
#include "optdyn/objectives/saddles.hpp"
#include "optdyn/objectives/spherical_pspin.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "support/input_errors.hpp"
#include "support/mlp_testing.hpp"

using namespace optdyn;
using namespace optdyn::analysis;

namespace {

CriticalPointSolverOptions solver(CriticalPointMethod method, double tol = 1e-10, Index max_steps = 200) {
  CriticalPointSolverOptions o;
  o.method = method;
  o.tol = tol;
  o.max_steps = max_steps;
  return o;
}

Vec vec2(double x, double y) { return (Vec(2) << x, y).finished(); }

// A solver run / a critical point known only by where it ended.
SolverRun ended_at(const Vec& theta) {
  SolverRun run;
  run.theta = theta;
  return run;
}
CriticalPoint at(const Vec& theta) {
  CriticalPoint point;
  point.theta = theta;
  return point;
}

// Number of negative eigenvalues a described point reports.
Index negatives(const CriticalPoint& p) { return std::lround(p.index * static_cast<double>(p.dim)); }

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(closed_form_saddles)

// x² − y²: ∇F = (2x, −2y) is linear, so the Gauss–Newton step −(H²)⁻¹H g = −H⁻¹g is exact and
// LM converges in a few steps; Newton in one. Index: one of the two eigenvalues (2, −2) < 0.
BOOST_AUTO_TEST_CASE(saddle_found_with_index_one_half) {
  const auto f = make_saddle();
  for (const auto method : {CriticalPointMethod::gauss_newton, CriticalPointMethod::newton}) {
    const SolverRun run = find_critical_point(*f, vec2(0.3, -0.7), solver(method));
    BOOST_TEST(run.converged);
    BOOST_TEST(run.theta.norm() < 1e-10);
    for (const auto index : {IndexMethod::dense, IndexMethod::inertia}) {
      CharacterisationOptions o;
      o.method = index;
      const CriticalPoint p = describe_critical_point(*f, run, Geometry::euclidean, o);
      BOOST_TEST(p.index == 0.5);
      BOOST_TEST(p.near_zero == 0.0);
      BOOST_TEST(std::abs(p.loss) < 1e-20);
    }
  }
  BOOST_TEST(find_critical_point(*f, vec2(0.3, -0.7), solver(CriticalPointMethod::newton)).steps == 1);
}

// The monkey saddle F = x³ − 3xy²: ∇F is homogeneous of degree 2, so Hθ = 2∇F (Euler) and the
// Newton step −H⁻¹∇F = −θ/2: Gauss–Newton (→ Newton as μ → 0) converges only LINEARLY, halving θ
// each step, because the Hessian vanishes at the critical point. ‖∇F‖ = 3‖θ‖², so from ‖θ₀‖ = 1
// to ‖∇F‖ ≤ 1e-10 takes log₂(√(3e10)) ≈ 17.4 halvings. The end point's Hessian has eigenvalues
// ±6‖θ‖ (a saddle of index 1/2 at any finite distance), all near zero at an absolute τ above that.
BOOST_AUTO_TEST_CASE(monkey_saddle_converges_linearly) {
  const auto f = make_monkey_saddle();
  const Vec start = vec2(0.6, 0.8);
  const SolverRun newton = find_critical_point(*f, start, solver(CriticalPointMethod::newton));
  BOOST_TEST(newton.converged);
  BOOST_TEST(newton.steps == 18);
  BOOST_TEST(!newton.fell_back);
  const SolverRun gn = find_critical_point(*f, start, solver(CriticalPointMethod::gauss_newton));
  BOOST_TEST(gn.converged);
  BOOST_TEST(gn.steps >= 18);
  BOOST_TEST(gn.steps <= 30);
  BOOST_TEST(gn.theta.norm() < 1e-5);
  CharacterisationOptions o;
  const CriticalPoint p = describe_critical_point(*f, gn, Geometry::euclidean, o);
  BOOST_TEST(p.index == 0.5);
  o.tau = 1e-3;
  const CriticalPoint q = describe_critical_point(*f, gn, Geometry::euclidean, o);
  BOOST_TEST(q.index == 0.0);
  BOOST_TEST(q.near_zero == 1.0);
}

// Newton's safeguard. plateau_saddle with one flat direction, g(x) = −x⁴/4 + x⁶/6:
// g' = x³(x² − 1), g'' = x²(5x² − 3), critical points x ∈ {−1, 0, 1}. From x₀ = 0.78, just past
// the inflection x² = 3/5, g'' = 0.0256 is nearly zero and Newton's step −g'/g'' ≈ +7.3 lands at
// x ≈ 8, where |g'| ≈ 3·10⁴ ≫ |g'(x₀)| = 0.19: the step is undone and Levenberg–Marquardt on
// ½g'² takes over (fell_back), which still ends at a critical point, x = 1 (g'' = 2: a minimum).
// Without the safeguard the run would start from x ≈ 8 and spend its budget coming back.
BOOST_AUTO_TEST_CASE(newton_falls_back_when_its_step_raises_the_gradient) {
  const auto f = make_plateau_saddle({.dim = 1, .flat = 1, .eps = 0.0});
  const Vec start = Vec::Constant(1, 0.78);
  const double g0 = std::abs(f->gradient(start)[0]);
  BOOST_TEST(std::abs(g0 - 0.78 * 0.78 * 0.78 * (1.0 - 0.78 * 0.78)) <= 1e-15);
  const SolverRun run = find_critical_point(*f, start, solver(CriticalPointMethod::newton));
  BOOST_TEST(run.fell_back);
  BOOST_TEST(run.converged);
  BOOST_TEST(run.gradient_norm <= 1e-10);
  BOOST_TEST(std::abs(run.theta[0] - 1.0) <= 1e-9);
  // The same start without a safeguard: one Newton step raises |g'| by five orders.
  const double x1 = 0.78 - (0.78 * 0.78 * 0.78 * (0.78 * 0.78 - 1.0)) / (0.78 * 0.78 * (5.0 * 0.78 * 0.78 - 3.0));
  BOOST_TEST(std::abs(f->gradient(Vec::Constant(1, x1))[0]) >= 1e4 * g0);
  // A start where Newton's steps keep lowering |g'| never falls back (x₀ = 1.2 → 1).
  const SolverRun direct = find_critical_point(*f, Vec::Constant(1, 1.2), solver(CriticalPointMethod::newton));
  BOOST_TEST(direct.converged);
  BOOST_TEST(!direct.fell_back);
  BOOST_TEST(std::abs(direct.theta[0] - 1.0) <= 1e-9);
}

// G = ½‖∇F‖² exposes r = ∇F and J = H; its own HVP would need third derivatives.
BOOST_AUTO_TEST_CASE(gradient_norm_objective_is_the_gauss_newton_view) {
  const auto f = make_monkey_saddle();
  const GradientNormObjective g(*f);
  const Vec theta = vec2(0.4, -0.3);
  const Vec grad = f->gradient(theta);
  Vec dg;
  BOOST_TEST(g.value_and_gradient(theta, dg) == 0.5 * grad.squaredNorm());
  BOOST_TEST((dg - f->hessian(theta) * grad).norm() < 1e-14);
  BOOST_TEST((g.least_squares()->jacobian_vector(theta, vec2(1, 2)) - f->hessian(theta) * vec2(1, 2)).norm() < 1e-14);
  testing::expect_input_error([&] { g.hessian_vector(theta, vec2(1, 0)); }, {"third derivatives"});
}

BOOST_AUTO_TEST_CASE(bad_input) {
  const auto f = make_saddle();
  testing::expect_input_error([&] { find_critical_point(*f, Vec::Zero(3), {}); }, {"length 3", "dimension 2"});
  testing::expect_input_error([&] { find_critical_point(*f, vec2(1, 1), solver(CriticalPointMethod::newton, 0.0)); },
                              {"tol"});
  testing::expect_input_error(
      [&] { find_critical_point(*f, Vec::Zero(2), solver(CriticalPointMethod::riemannian_newton)); }, {"θ = 0"});
  testing::expect_input_error([&] { parse_critical_point_method("lbfgs"); }, {"lbfgs", "gauss_newton"});
  CharacterisationOptions o;
  o.method = IndexMethod::kpm;
  testing::expect_input_error([&] { describe_critical_point(*f, ended_at(vec2(0, 1)), Geometry::sphere, o); },
                              {"sphere"});
  testing::expect_input_error([&] { describe_critical_point(*f, ended_at(vec2(0, 1)), Geometry::euclidean, o); },
                              {"Rng"});
}

BOOST_AUTO_TEST_CASE(search_counts_one_saddle) {
  const auto f = make_saddle();
  Rng rng(3);
  const std::vector<Vec> starts = perturbed_starts(vec2(1, 1), 0.5, 6, rng);
  const CriticalPointSearch s = search_critical_points(*f, starts, {.solver = solver(CriticalPointMethod::newton)}, rng);
  BOOST_TEST(s.starts == 6);
  BOOST_TEST(s.converged == 6);
  BOOST_TEST(s.duplicates == 5);
  BOOST_REQUIRE(s.points.size() == 1u);
  BOOST_TEST(s.points[0].found == 6);
  BOOST_TEST(s.points[0].point.index == 0.5);
  BOOST_TEST(s.counts.gradients > 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// Two-layer linear network W₂W₁ (widths d → p → k), whitened inputs X = I (n = d one-hot samples),
// so F = (1/2n)‖W₂W₁ − Y‖²_F and Σ³¹ = Y = Σ_α s_α u_α v_αᵀ, Σ¹¹ = I. Critical points (Baldi &
// Hornik 1989): W₂W₁ = U_S U_Sᵀ Σ³¹ Σ¹¹⁻¹ = Σ_{α∈S} s_α u_α v_αᵀ for a subset S of the modes,
// |S| ≤ p, with F = (Σ_α s_α² − Σ_{α∈S} s_α²)/2n. Negative Hessian eigenvalues, by the second
// variation (derived for this test): one per pair (i ∈ S, j ∉ S) with s_j > s_i (rotating a
// used unit from mode i towards mode j: curvature (s_i − s_j)/n), and p − |S| per mode j ∉ S with
// s_j > 0 (an unused unit growing along u_j, v_j: the 2×2 block [[0, −s_j], [−s_j, 0]]/n).
BOOST_AUTO_TEST_SUITE(deep_linear)

struct LinearNet {
  static constexpr Index d = 4, p = 2, k = 3;
  Mlp net;
  SaxeModes modes;
  LinearNet() : net(architecture(), data(), "deep-linear-test"), modes(saxe_modes(net.data())) {}
  static MlpArchitecture architecture() {
    return {.widths = {d, p, k}, .activation = Activation::linear, .loss = MlpLoss::mse, .bias = false};
  }
  static Dataset data() {
    Dataset x;
    Rng rng(11);
    x.inputs = Mat::Identity(d, d);
    x.targets = rng.normal_matrix(k, d);  // distinct singular values (generic)
    return x;
  }
  // A critical point with modes S, balanced: unit h carries mode S[h] with √s on both sides.
  Vec point(const std::vector<Index>& s) const {
    Vec theta = Vec::Zero(net.dim());
    Eigen::Map<RowMat> w1(theta.data(), p, d), w2(theta.data() + p * d, k, p);
    for (std::size_t h = 0; h < s.size(); ++h) {
      const double root = std::sqrt(modes.s[s[h]]);
      w1.row(static_cast<Index>(h)) = root * modes.v.col(s[h]).transpose();
      w2.col(static_cast<Index>(h)) = root * modes.u.col(s[h]);
    }
    return theta;
  }
  double loss(const std::vector<Index>& s) const {
    double kept = 0;
    for (Index a : s) kept += modes.s[a] * modes.s[a];
    return (modes.s.squaredNorm() - kept) / (2.0 * d);
  }
  Index negatives(const std::vector<Index>& s) const {
    const auto in = [&](Index a) { return std::find(s.begin(), s.end(), a) != s.end(); };
    Index count = 0;
    for (Index j = 0; j < modes.s.size(); ++j) {
      if (in(j) || !(modes.s[j] > 1e-12)) continue;
      count += p - static_cast<Index>(s.size());
      for (Index i : s) count += modes.s[j] > modes.s[i] ? 1 : 0;
    }
    return count;
  }
  Mat product(const Vec& theta) const { return network_product(net.layout(), theta); }
  Mat target(const std::vector<Index>& s) const {
    Mat m = Mat::Zero(k, d);
    for (Index a : s) m += modes.s[a] * modes.u.col(a) * modes.v.col(a).transpose();
    return m;
  }
};

const std::vector<std::vector<Index>> kSubsets = {{}, {0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}};

// The closed form itself, at the exact points: gradient zero, loss and negative count as stated.
BOOST_AUTO_TEST_CASE(closed_form_points_are_critical) {
  const LinearNet n;
  for (const auto& s : kSubsets) {
    const Vec theta = n.point(s);
    BOOST_TEST(n.net.gradient(theta).norm() < 1e-12);
    const CriticalPoint c = describe_critical_point(n.net, ended_at(theta), Geometry::euclidean, {});
    BOOST_TEST(std::abs(c.loss - n.loss(s)) < 1e-12);
    BOOST_TEST(negatives(c) == n.negatives(s), "S of size " << s.size() << ": " << negatives(c) << " vs " << n.negatives(s));
  }
}

// Perturbed critical points: Gauss–Newton and Newton return to the same critical manifold
// (W₂W₁ = Σ_S s u vᵀ), with the closed-form loss and index.
BOOST_AUTO_TEST_CASE(solvers_return_to_perturbed_critical_points) {
  const LinearNet n;
  Rng rng(5);
  for (const auto method : {CriticalPointMethod::gauss_newton, CriticalPointMethod::newton})
    for (const auto& s : kSubsets) {
      const Vec start = perturbed_starts(n.point(s), 1e-3, 1, rng)[0];
      const SolverRun run = find_critical_point(n.net, start, solver(method));
      BOOST_TEST_REQUIRE(run.converged, run.stopped);
      BOOST_TEST((n.product(run.theta) - n.target(s)).norm() < 1e-6);
      const CriticalPoint c = describe_critical_point(n.net, run, Geometry::euclidean, {});
      BOOST_TEST(std::abs(c.loss - n.loss(s)) < 1e-10);
      BOOST_TEST(negatives(c) == n.negatives(s));
      BOOST_TEST(c.near_zero > 0.0);  // the GL(p) orbit directions
    }
}

// From random starts every converged Gauss–Newton point is one of the closed-form ones: its
// mode strengths u_αᵀ W₂W₁ v_α are s_α or 0, and loss and index follow from that S.
BOOST_AUTO_TEST_CASE(random_starts_find_only_closed_form_points) {
  const LinearNet n;
  Rng rng(7);
  const auto starts = random_starts(n.net, {.gain = 1.0}, 12, rng);
  Index converged = 0;
  for (const Vec& start : starts) {
    const SolverRun run = find_critical_point(n.net, start, solver(CriticalPointMethod::gauss_newton, 1e-10, 500));
    if (!run.converged) continue;
    ++converged;
    const Vec strengths = mode_strengths(n.modes, n.product(run.theta));
    std::vector<Index> s;
    for (Index a = 0; a < strengths.size(); ++a) {
      BOOST_TEST((std::abs(strengths[a]) < 1e-6 || std::abs(strengths[a] - n.modes.s[a]) < 1e-6));
      if (std::abs(strengths[a]) > 1e-6) s.push_back(a);
    }
    BOOST_TEST((n.product(run.theta) - n.target(s)).norm() < 1e-6);
    const CriticalPoint c = describe_critical_point(n.net, run, Geometry::euclidean, {});
    BOOST_TEST(std::abs(c.loss - n.loss(s)) < 1e-10);
    BOOST_TEST(negatives(c) == n.negatives(s));
  }
  BOOST_TEST(converged >= 6);
}

// Saddle-free Newton is repelled by the saddles: from a perturbed saddle it ends at a minimum
// (index 0, S = the top p modes, the closed-form lowest loss).
BOOST_AUTO_TEST_CASE(saddle_free_newton_escapes_to_the_minimum) {
  const LinearNet n;
  Rng rng(13);
  const Vec start = perturbed_starts(n.point({1, 2}), 1e-2, 1, rng)[0];
  const SolverRun run = find_critical_point(n.net, start, solver(CriticalPointMethod::saddle_free_newton, 1e-8, 500));
  BOOST_TEST_REQUIRE(run.converged, run.stopped);
  const CriticalPoint c = describe_critical_point(n.net, run, Geometry::euclidean, {});
  BOOST_TEST(negatives(c) == 0);
  BOOST_TEST(std::abs(c.loss - n.loss({0, 1})) < 1e-8);
}

// The estimated index (Chebyshev filters) brackets the exact count at the τ it used (raised to
// its resolution, so above the smallest |λ| here: the exact count is taken at that τ).
BOOST_AUTO_TEST_CASE(kpm_interval_covers_the_exact_index) {
  const LinearNet n;
  Rng rng(17);
  CharacterisationOptions o;
  o.method = IndexMethod::kpm;
  o.kpm.degree = 200;
  for (const auto& s : kSubsets) {
    const CriticalPoint c = describe_critical_point(n.net, ended_at(n.point(s)), Geometry::euclidean, o, &rng);
    BOOST_TEST(c.index_method == "kpm");
    BOOST_TEST(c.index_products > 0u);
    const CriticalPoint dense = describe_critical_point(n.net, ended_at(n.point(s)), Geometry::euclidean,
                                                        {.method = IndexMethod::dense, .tau = c.tau, .relative_tau = 0});
    const double exact = dense.index;
    BOOST_TEST((c.index_low <= exact && exact <= c.index_high), exact << " outside [" << c.index_low << ", " << c.index_high << "]");
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(pspin)

// H along the geodesic from σ with unit initial velocity ξ/‖ξ‖·(speed ‖ξ‖):
// γ(t) = cos(t‖ξ‖/r) σ + r sin(t‖ξ‖/r) ξ/‖ξ‖, r = ‖σ‖ = √N. Then (H∘γ)'(0) = ⟨grad H, ξ⟩ and
// (H∘γ)''(0) = ⟨Hess H ξ, ξ⟩ (Absil et al. 2008, §5.5: geodesics have zero acceleration).
double along_geodesic(const SphericalPSpin& f, const Vec& sigma, const Vec& xi, double t) {
  const double r = sigma.norm(), speed = xi.norm();
  if (speed == 0.0) return f.energy(sigma);
  return f.energy(std::cos(t * speed / r) * sigma + r * std::sin(t * speed / r) * xi / speed);
}

BOOST_AUTO_TEST_CASE(riemannian_gradient_and_hessian_against_finite_differences) {
  for (const int p : {2, 3, 4}) {
    const SphericalPSpin f(7, p, 19, "pspin-test");
    Rng rng(23);
    for (const Vec& sigma : sphere_starts(7, 3, rng)) {
      const Mat b = tangent_basis(sigma);
      const Vec grad = riemannian_gradient(f, sigma);
      const Mat hess = tangent_hessian(f, sigma);
      BOOST_TEST((grad - f.riemannian_gradient(sigma)).norm() < 1e-10 * (1 + grad.norm()));
      BOOST_TEST((hess - f.tangent_hessian(sigma)).norm() < 1e-10 * (1 + hess.norm()));
      BOOST_TEST((b.transpose() * f.riemannian_hessian(sigma) * b - hess).norm() < 1e-10 * (1 + hess.norm()));
      BOOST_TEST(std::abs(sigma.dot(grad)) < 1e-10);
      const double h = 1e-4;
      const double h0 = f.energy(sigma);
      for (Index i = 0; i < b.cols(); ++i) {
        const Vec xi = b.col(i);
        const double slope = (along_geodesic(f, sigma, xi, h) - along_geodesic(f, sigma, xi, -h)) / (2 * h);
        BOOST_TEST(std::abs(slope - grad.dot(xi)) < 1e-6 * (1 + std::abs(slope)));
        for (Index j = 0; j < b.cols(); ++j) {
          // ⟨Hess ξ, η⟩ by polarisation of the second differences along ξ ± η.
          const auto second = [&](const Vec& v) {
            return (along_geodesic(f, sigma, v, h) - 2 * h0 + along_geodesic(f, sigma, v, -h)) / (h * h);
          };
          const double fd = (second(xi + b.col(j)) - second(xi - b.col(j))) / 4;
          BOOST_TEST(std::abs(fd - hess(i, j)) < 1e-4 * (1 + std::abs(hess(i, j))), "p=" << p << " (" << i << "," << j << ")");
        }
      }
    }
  }
}

// Riemannian Newton from random points on the sphere, with dense and with MINRES solves (their
// paths differ far from a critical point, where the Newton system is ill-conditioned): converged
// points have a vanishing Riemannian gradient and the index of spherical_pspin's tangent Hessian.
BOOST_AUTO_TEST_CASE(riemannian_newton_finds_critical_points) {
  const SphericalPSpin f(12, 3, 2, "pspin-test");
  for (const Index dense_max : {Index{1000}, Index{0}}) {
    Rng rng(29);
    Index converged = 0;
    for (const Vec& start : sphere_starts(12, 8, rng)) {
      auto options = solver(CriticalPointMethod::riemannian_newton, 1e-10, 100);
      options.riemannian_newton.dense_max = dense_max;
      const SolverRun run = find_critical_point(f, start, options);
      if (!run.converged) continue;
      ++converged;
      BOOST_TEST(std::abs(run.theta.squaredNorm() - 12.0) < 1e-9);
      BOOST_TEST(f.riemannian_gradient(run.theta).norm() <= 1e-10);
      const CriticalPoint c = describe_critical_point(f, run, Geometry::sphere, {});
      const Vec lambda = Eigen::SelfAdjointEigenSolver<Mat>(f.tangent_hessian(run.theta)).eigenvalues();
      BOOST_TEST(negatives(c) == (lambda.array() < -c.tau).count());
      BOOST_TEST(c.dim == 11);
      BOOST_TEST(std::abs(c.loss - f.energy(run.theta)) < 1e-12);
    }
    BOOST_TEST(converged >= 4, "dense_max " << dense_max << ": " << converged << " of 8 converged");
  }
}

// For even p, σ and −σ are one critical point; for odd p they are two (H(−σ) = −H(σ)).
BOOST_AUTO_TEST_CASE(sign_symmetry_for_even_p) {
  Rng rng(31);
  const Vec sigma = sphere_starts(6, 1, rng)[0];
  for (const int p : {3, 4}) {
    const SphericalPSpin f(6, p, 1, "pspin-test");
    CriticalPointSet set(f, 1e-9);
    BOOST_TEST(set.insert(at(sigma)));
    BOOST_TEST(set.insert(at(Vec(-sigma))) == (p % 2 == 1));
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(symmetries)

Mlp tanh_net(Activation act = Activation::tanh) {
  return testing::synthetic_mlp({.widths = {3, 4, 5, 2}, .activation = act, .loss = MlpLoss::mse}, 10, 41);
}

// A random element of the group: a permutation and sign flips in each hidden layer.
Vec scrambled(const Mlp& net, Vec theta, Rng& rng, bool flips) {
  for (Index h = 0; h + 1 < net.layout().num_layers(); ++h) {
    const Index n = net.layout().widths()[h + 1];
    std::vector<Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Index{0});
    rng.shuffle(order);
    permute_hidden_units(net.layout(), theta, h, order);
    if (flips)
      for (Index j = 0; j < n; ++j)
        if (rng.rademacher_sign()) flip_hidden_unit(net.layout(), theta, h, j);
  }
  return theta;
}

BOOST_AUTO_TEST_CASE(permuted_and_flipped_copies_are_the_same_point) {
  const Mlp net = tanh_net();
  Rng rng(43);
  const Vec theta = rng.normal_vector(net.dim());
  const Vec copy = scrambled(net, theta, rng, true);
  BOOST_TEST((copy - theta).norm() > 1.0);                           // a different vector,
  BOOST_TEST(std::abs(net.value(copy) - net.value(theta)) < 1e-12);  // the same function
  BOOST_TEST((canonical_point(net, copy) - canonical_point(net, theta)).norm() < 1e-15);
  CriticalPointSet set(net, 1e-8);
  BOOST_TEST(set.insert(at(theta)));
  BOOST_TEST(!set.insert(at(copy)));
  BOOST_TEST(set.insert(at(Vec(theta + 1e-3 * rng.normal_vector(net.dim())))));
  BOOST_TEST(set.points().size() == 2u);
  BOOST_TEST(set.points()[0].found == 2);
}

// relu has no sign symmetry: a flipped copy is another function and another point; permutations
// still are symmetries.
BOOST_AUTO_TEST_CASE(relu_quotients_permutations_only) {
  const Mlp net = tanh_net(Activation::relu);
  Rng rng(47);
  const Vec theta = rng.normal_vector(net.dim());
  BOOST_TEST((canonical_point(net, scrambled(net, theta, rng, false)) - canonical_point(net, theta)).norm() < 1e-15);
  Vec flipped = theta;
  flip_hidden_unit(net.layout(), flipped, 0, 1);
  BOOST_TEST(std::abs(net.value(flipped) - net.value(theta)) > 1e-6);
  BOOST_TEST((canonical_point(net, flipped) - canonical_point(net, theta)).norm() > 1e-3);
}

// A converged critical point of a tanh net and its scrambled copy: one point.
BOOST_AUTO_TEST_CASE(found_critical_point_and_its_copy) {
  const Mlp net = testing::synthetic_mlp({.widths = {2, 3, 1}, .activation = Activation::tanh}, 6, 53);
  Rng rng(59);
  const auto starts = random_starts(net, {}, 4, rng);
  const CriticalPointSearch s =
      search_critical_points(net, starts, {.solver = solver(CriticalPointMethod::gauss_newton, 1e-9, 400)}, rng);
  BOOST_REQUIRE(!s.points.empty());
  const Vec theta = s.points[0].point.theta;
  CriticalPointSet set(net, 1e-8);
  set.insert(at(theta));
  BOOST_TEST(!set.insert(at(scrambled(net, theta, rng, true))));
}

BOOST_AUTO_TEST_CASE(bad_input) {
  const Mlp net = tanh_net();
  Vec theta = Vec::Zero(net.dim());
  testing::expect_input_error([&] { flip_hidden_unit(net.layout(), theta, 2, 0); }, {"hidden layer 2"});
  testing::expect_input_error([&] { flip_hidden_unit(net.layout(), theta, 0, 4); }, {"unit 4"});
  const std::vector<Index> repeated{0, 0, 1, 2};
  testing::expect_input_error([&] { permute_hidden_units(net.layout(), theta, 0, repeated); }, {"not a permutation"});
  Vec short_theta = Vec::Zero(3);
  testing::expect_input_error([&] { canonical_mlp_parameters(net.layout(), Activation::tanh, short_theta); },
                              {"length 3"});
  testing::expect_input_error([&] { CriticalPointSet(net, -1.0); }, {"tolerance"});
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(starting_points)

BOOST_AUTO_TEST_CASE(starts_are_where_they_say_and_deterministic) {
  Rng a(61), b(61);
  const Vec center = Vec::LinSpaced(5, -1, 1);
  const auto perturbed = perturbed_starts(center, 0.25, 4, a);
  BOOST_TEST(perturbed.size() == 4u);
  for (const Vec& x : perturbed) BOOST_TEST(std::abs((x - center).norm() - 0.25) < 1e-14);
  BOOST_TEST((perturbed_starts(center, 0.25, 4, b)[3] - perturbed[3]).norm() == 0.0);
  for (const Vec& x : sphere_starts(9, 3, a)) BOOST_TEST(std::abs(x.squaredNorm() - 9.0) < 1e-12);

  const auto f = make_saddle();
  ObjectiveOracle oracle(*f);
  const auto gd = make_gd({.lr = 0.1});
  const auto along = trajectory_starts(*gd, oracle, vec2(1, 1e-3), 10, 4);
  BOOST_REQUIRE(along.size() == 3u);  // θ₀, θ₄, θ₈
  BOOST_TEST(along[0][0] == 1.0);
  BOOST_TEST(std::abs(along[2][0] - std::pow(0.8, 8)) < 1e-14);  // x ← (1 − 2η) x
  testing::expect_input_error([&] { trajectory_starts(*gd, oracle, vec2(1, 1), 10, 0); }, {"every"});
  testing::expect_input_error([&] { perturbed_starts(center, -1, 1, a); }, {"radius"});
}

BOOST_AUTO_TEST_SUITE_END()
