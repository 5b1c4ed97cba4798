// The central flow of GD (flows/central_flow.hpp) and its two pieces: the third-derivative
// contraction ∇³F[u, v] (objectives/third_derivative.hpp) against a closed form and against
// central differences of HVPs along OTHER directions, the semidefinite complementarity solver
// (flows/psd_complementarity.hpp) against a brute-force grid and the KKT conditions, and the flow on
// a quadratic-plus-quartic objective whose central flow is known in closed form
// (doc/references.md, "Central flows": the circle example), with one critical eigenvalue and
// with two (two circles on separate coordinates).
#define BOOST_TEST_MODULE central_flow
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <Eigen/Eigenvalues>
#include <numbers>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/flows/central_flow.hpp"
#include "optdyn/flows/flow_params.hpp"
#include "optdyn/flows/psd_complementarity.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/flows/rmsprop_central_flow.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/objectives/third_derivative.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "support/finite_differences.hpp"
#include "support/input_errors.hpp"

using namespace optdyn;
using optdyn::testing::relative_error;

namespace {

// F(x, w) = ½(a + ‖w‖²)x² − bᵀw on θ = (x, w) ∈ R^{1+m}: a quadratic in x plus the quartic
// ½‖w‖²x², and a linear pull −bᵀw. At x = 0 its Hessian is diag(a + ‖w‖², 0, …): the
// sharpness S = a + ‖w‖² grows under gradient flow (ẇ = b), and the central flow with step η
// slides on the circle ‖w‖ = r = √(2/η − a) towards b (see circle_angle).
class CircleQuartic : public Objective {
 public:
  CircleQuartic(double a, Vec b) : a_(a), b_(std::move(b)) {}
  Index dim() const override { return 1 + b_.size(); }
  std::string spec() const override { return "circle_quartic"; }

 protected:
  double evaluate(const Vec& th, Batch, Vec* g) const override {
    const double x = th(0);
    const Vec w = th.tail(b_.size());
    const double s = a_ + w.squaredNorm();
    if (g) {
      g->resize(dim());
      (*g)(0) = s * x;                           // ∂F/∂x = (a + ‖w‖²)x
      g->tail(b_.size()) = x * x * w - b_;       // ∂F/∂w = x²w − b
    }
    return 0.5 * s * x * x - b_.dot(w);
  }
  void evaluate_hvp(const Vec& th, Batch, const Vec& v, Vec& out) const override {
    const double x = th(0), vx = v(0);
    const Vec w = th.tail(b_.size()), vw = v.tail(b_.size());
    out.resize(dim());
    // H = [[a + ‖w‖², 2x wᵀ], [2x w, x² I]]
    out(0) = (a_ + w.squaredNorm()) * vx + 2.0 * x * w.dot(vw);
    out.tail(b_.size()) = 2.0 * x * vx * w + x * x * vw;
  }

 private:
  double a_;
  Vec b_;
};

// ∇³F[u, u] of CircleQuartic in closed form: F_xxw_i = 2w_i, F_xw_iw_j = 2xδ_ij, the rest 0, so
// component x = 4u_x⟨w, u_w⟩ + 2x‖u_w‖² and component w_i = 2w_i u_x² + 4x u_x u_{w,i}.
Vec circle_third(const Vec& th, const Vec& u) {
  const Index m = th.size() - 1;
  const double x = th(0), ux = u(0);
  const Vec w = th.tail(m), uw = u.tail(m);
  Vec out(th.size());
  out(0) = 4.0 * ux * w.dot(uw) + 2.0 * x * uw.squaredNorm();
  out.tail(m) = 2.0 * ux * ux * w + 4.0 * x * ux * uw;
  return out;
}

Vec unit_random(Index d, Rng& rng) {
  Vec v = rng.normal_vector(d);
  return v / v.norm();
}

}  // namespace

BOOST_AUTO_TEST_CASE(third_derivative_matches_the_closed_form_of_a_quartic) {
  const CircleQuartic f(0.7, Vec::LinSpaced(3, 0.5, -1.0));
  Rng rng(11);
  for (int trial = 0; trial < 5; ++trial) {
    const Vec th = rng.normal_vector(4), u = unit_random(4, rng);
    const Vec t = third_derivative(f, th, u, u);
    BOOST_TEST(relative_error(t, circle_third(th, u)) < 1e-9, "trial " << trial);
  }
}

BOOST_AUTO_TEST_CASE(third_derivative_matches_central_differences_of_hvps_on_an_mlp) {
  // Component c of ∇³F[u, v] is ∂/∂θ_c (uᵀ∇²F(θ)v): a central difference of uᵀHv along e_c,
  // a different stencil (other directions) from the library's difference along v.
  ObjectivePtr f = make_objective("mlp:data=gaussian,n=20,widths=4-5-2,act=tanh,loss=mse");
  const Index d = f->dim();
  Rng rng(5);
  const Vec th = 0.7 * rng.normal_vector(d), u = unit_random(d, rng), v = unit_random(d, rng);
  const Vec t = third_derivative(*f, th, u, v);
  const double h = 1e-4;
  Vec reference(d);
  for (Index c = 0; c < d; ++c) {
    Vec e = Vec::Zero(d);
    e(c) = h;
    reference(c) = (u.dot(f->hessian_vector(th + e, v)) - u.dot(f->hessian_vector(th - e, v))) / (2 * h);
  }
  BOOST_TEST(relative_error(t, reference) < 1e-6);
  // symmetry ∇³F[u, v] = ∇³F[v, u]: two different difference directions
  BOOST_TEST(relative_error(third_derivative(*f, th, v, u), t) < 1e-8);
}

BOOST_AUTO_TEST_CASE(complementarity_single_eigenvalue_closed_form) {
  Mat c(1, 1), g(1, 1);
  c << -3.0;
  g << 1.5;
  BOOST_TEST(solve_psd_complementarity(c, g).x(0, 0) == 2.0, boost::test_tools::tolerance(1e-15));
  c << 0.5;
  BOOST_TEST(solve_psd_complementarity(c, g).x(0, 0) == 0.0);
}

BOOST_AUTO_TEST_CASE(complementarity_matches_brute_force_and_kkt_for_k2) {
  // 𝒢 = ½TᵀT from a random D×4 matrix with T_12 = T_21 (as the flow builds it); C chosen (a)
  // indefinite (rank-one solution expected), (b) negative definite (full rank). Brute force:
  // q(X) on a grid of PSD X = [[p, s], [s, r]] (|s| ≤ √(pr)), zoomed three times round the best.
  Rng rng(3);
  Mat t = rng.normal_matrix(6, 4);
  t.col(2) = t.col(1);
  const Mat g = 0.5 * t.transpose() * t;
  std::vector<Mat> cs;
  cs.push_back((Mat(2, 2) << -2.0, 0.3, 0.3, 1.5).finished());
  cs.push_back((Mat(2, 2) << -2.0, 0.4, 0.4, -1.0).finished());
  for (const Mat& c : cs) {
    const PsdComplementarityResult r = solve_psd_complementarity(c, g);
    BOOST_TEST_REQUIRE(r.converged);
    // KKT: X ⪰ 0, R ⪰ 0, ⟨X, R⟩ = 0
    const Mat res = complementarity_residual(c, g, r.x);
    BOOST_TEST(Eigen::SelfAdjointEigenSolver<Mat>(r.x).eigenvalues().minCoeff() > -1e-12);
    BOOST_TEST(Eigen::SelfAdjointEigenSolver<Mat>(res).eigenvalues().minCoeff() > -1e-9);
    BOOST_TEST(std::abs((r.x.array() * res.array()).sum()) < 1e-9);
    // brute force
    double best = 1e300, lo_p = 0, hi_p = 10, lo_r = 0, hi_r = 10, bp = 0, br = 0, bs = 0;
    const int n = 80;
    for (int zoom = 0; zoom < 4; ++zoom) {
      for (int i = 0; i <= n; ++i)
        for (int j = 0; j <= n; ++j) {
          const double p = lo_p + (hi_p - lo_p) * i / n, q = lo_r + (hi_r - lo_r) * j / n;
          const double smax = std::sqrt(p * q);
          for (int k = -n; k <= n; ++k) {
            const double s = smax * k / n;
            const Mat x = (Mat(2, 2) << p, s, s, q).finished();
            const double val = complementarity_objective(c, g, x);
            if (val < best) best = val, bp = p, br = q, bs = s;
          }
        }
      const double wp = (hi_p - lo_p) / 8, wr = (hi_r - lo_r) / 8;
      lo_p = std::max(0.0, bp - wp), hi_p = bp + wp, lo_r = std::max(0.0, br - wr), hi_r = br + wr;
    }
    const Mat xb = (Mat(2, 2) << bp, bs, bs, br).finished();
    BOOST_TEST_MESSAGE("solver X " << r.x << "\ngrid X " << xb << "\nq " << complementarity_objective(c, g, r.x)
                                   << " vs " << best);
    BOOST_TEST(complementarity_objective(c, g, r.x) <= best + 1e-12);
    BOOST_TEST((r.x - xb).norm() < 1e-2 * (1.0 + r.x.norm()));
  }
}

namespace {

// The exact central flow of CircleQuartic with b = (β, 0), x = 0, on the circle ‖w‖ = r: w = r(cos φ, sin φ)
// with φ̇ = −(β/r) sin φ, i.e. tan(φ/2) = tan(φ₀/2)·e^{−βt/r} (doc/references.md, "Central flows").
double circle_angle(double phi0, double beta, double r, double t) {
  return 2.0 * std::atan(std::tan(0.5 * phi0) * std::exp(-beta * t / r));
}

Vec integrate_flow(const Flow& flow, const Vec& z0, double t_end, const std::string& integrator) {
  Vec z = z0;
  const std::vector<double> times = {t_end};
  IntegrationResult res = make_integrator(integrator)->integrate(flow, z, 0.0, times, [](double, const Vec&) { return true; });
  BOOST_TEST_REQUIRE((res.status == IntegrationStatus::ok), res.message);
  return z;
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigma_squared_on_the_edge_is_the_projection_coefficient) {
  // On the edge S = 2/η: σ² = −2⟨∇S, ∇F⟩/‖∇S‖² with ∇S = (0, 2w), ∇F = (0, −b): σ² = ⟨w, b⟩/r².
  const double eta = 0.5, a = 1.0, r = std::sqrt(2.0 / eta - a), phi = 0.9;
  const CircleQuartic f(a, (Vec(2) << 1.3, 0.0).finished());
  CentralFlow flow(CentralFlowParams{.lr = eta}, "central", f);
  const Vec th = (Vec(3) << 0.0, r * std::cos(phi), r * std::sin(phi)).finished();
  const CentralFlowPoint q = flow.evaluate(th);
  BOOST_TEST_REQUIRE(q.critical == 1);
  BOOST_TEST(q.x(0, 0) == 1.3 * r * std::cos(phi) / (r * r), boost::test_tools::tolerance(1e-9));
  // the field is tangent to the circle: ẇ = b − (⟨b, w⟩/r²)w
  const Vec w = th.tail(2), b = (Vec(2) << 1.3, 0.0).finished();
  BOOST_TEST(relative_error(q.field.tail(2), b - (b.dot(w) / (r * r)) * w) < 1e-9);
  BOOST_TEST(std::abs(q.field(0)) < 1e-12);
  BOOST_TEST(q.predicted_loss == q.loss + q.x(0, 0) / eta, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(x_is_the_variance_of_gds_period_two_orbit_and_the_loss_its_time_average) {
  // Σ's normalisation against GD itself (the paper's code: Σ = U X Uᵀ with UᵀPU = I, P = I/η, and
  // predicted loss F + tr X_paper; ours: unit u, X = η X_paper = E[(uᵀδ)²], F + ½λX = F + X/η).
  // On the circle objective GD has an exact period-2 orbit: w = r b̂ on the edge, x = ±x* with
  // x*² = β/r, since x ↦ (1 − η(2/η))x = −x and w ↦ w − η(x*² w − b) = w. Its time average is
  // θ̄ = (0, r b̂), E[x²] = x*², E[F] = ½(2/η)x*² − βr. A factor 2 in X (amplitude² against
  // variance) or in the predicted loss (λX against ½λX) fails here.
  const double eta = 0.1, a = 1.0, beta = 0.7, r = std::sqrt(2.0 / eta - a), xstar = std::sqrt(beta / r);
  const CircleQuartic f(a, (Vec(2) << beta, 0.0).finished());
  OptimizerPtr gd = make_optimizer("gd:lr=0.1");
  gd->reset(f.dim());
  ObjectiveOracle oracle(f);
  Vec theta = (Vec(3) << xstar, r, 0.0).finished();
  const int steps = 20;  // ten periods
  double x2_sum = 0.0, loss_sum = 0.0;
  Vec mean = Vec::Zero(3);
  for (int k = 0; k < steps; ++k) {
    x2_sum += theta(0) * theta(0), loss_sum += f.value(theta), mean += theta;
    gd->step(theta, oracle);
  }
  mean /= steps;
  const double x2 = x2_sum / steps, avg_loss = loss_sum / steps;
  BOOST_TEST_REQUIRE(std::abs(mean(0)) < 1e-10);  // GD is on its orbit
  BOOST_TEST_REQUIRE(std::abs(x2 - xstar * xstar) < 1e-10);
  CentralFlow flow(CentralFlowParams{.lr = eta, .k = 1}, "central", f);
  const CentralFlowPoint q = flow.evaluate(mean);
  BOOST_TEST_REQUIRE(q.critical == 1);
  BOOST_TEST(q.x(0, 0) == x2, boost::test_tools::tolerance(1e-8));  // X = E[x²] of GD
  BOOST_TEST(q.predicted_loss == avg_loss, boost::test_tools::tolerance(1e-8));  // F(θ̄) + X/η = E[F(θ_k)]
  BOOST_TEST(q.field.norm() < 1e-8);  // θ̄ is a fixed point of the central flow
}

BOOST_AUTO_TEST_CASE(central_flow_on_the_circle_matches_the_closed_form) {
  const double eta = 0.5, a = 1.0, beta = 1.0, r = std::sqrt(2.0 / eta - a);
  const CircleQuartic f(a, (Vec(2) << beta, 0.0).finished());
  FlowPtr flow = make_flow("central:lr=0.5,relax=0.01", f);
  // (a) from a point on the edge: the κ term vanishes along the exact solution
  const double phi0 = 1.2, T = 3.0;
  const Vec z0 = (Vec(3) << 0.0, r * std::cos(phi0), r * std::sin(phi0)).finished();
  const Vec z = integrate_flow(*flow, z0, T, "rk4:h=0.001");
  const double phi = circle_angle(phi0, beta, r, T);
  const Vec exact = (Vec(3) << 0.0, r * std::cos(phi), r * std::sin(phi)).finished();
  BOOST_TEST(relative_error(z, exact) < 1e-8);
  // (b) from inside: gradient flow w = (βt, w₂) until ‖w‖ = r at t* = √(r² − w₂²)/β, then the circle.
  FlowPtr stiff = make_flow("central:lr=0.5,relax=0.001", f);
  const double w2 = 0.5, tstar = std::sqrt(r * r - w2 * w2) / beta, T2 = tstar + 2.0;
  const Vec zb = integrate_flow(*stiff, (Vec(3) << 0.0, 0.0, w2).finished(), T2, "rk4:h=0.0005");
  const double phib = circle_angle(std::atan2(w2, beta * tstar), beta, r, T2 - tstar);
  const Vec exact_b = (Vec(3) << 0.0, r * std::cos(phib), r * std::sin(phib)).finished();
  BOOST_TEST_MESSAGE("switching case: error " << relative_error(zb, exact_b) << " (relaxation time 1/κ = 2.5e-4)");
  BOOST_TEST(relative_error(zb, exact_b) < 2e-3);
  BOOST_TEST(std::abs(a + zb.tail(2).squaredNorm() - 2.0 / eta) < 1e-6);  // on the edge at the end
  // gradient flow leaves the edge: S = a + (βT)² + w₂² > 2/η
  const Vec zg = integrate_flow(*make_flow("gradient", f), (Vec(3) << 0.0, 0.0, w2).finished(), T2, "rk4:h=0.01");
  BOOST_TEST(a + zg.tail(2).squaredNorm() > 2.0 / eta + 1.0);
}

BOOST_AUTO_TEST_CASE(registry_and_bad_keys) {
  const CircleQuartic f(1.0, (Vec(2) << 1.0, 0.0).finished());
  FlowPtr flow = make_flow("central:lr=0.25", f);
  BOOST_TEST(flow->spec().find("central:lr=0.25") == 0u);
  BOOST_TEST(flow_spec(parse_flow("central:lr=0.25,k=1")).find("k=1") != std::string::npos);
  optdyn::testing::expect_input_error([&] { make_flow("central:lr=0.1,k=4", f); }, {"'k'"});
  optdyn::testing::expect_input_error([&] { make_flow("central:lr=-1", f); }, {"lr"});
  optdyn::testing::expect_input_error([&] { make_flow("central:lr=0.1,critical=1.5", f); }, {"critical"});
}

namespace {

// Two CircleQuartic blocks on separate coordinates, θ = (x₁, w₁, x₂, w₂): F = F₁(x₁, w₁) + F₂(x₂, w₂).
// With both on their edges a_i + ‖w_i‖² = 2/η the eigenvalue 2/η is double (eigenvectors e_{x₁},
// e_{x₂}), the third derivatives do not couple the blocks (∇³F[e_{x₁}, e_{x₂}] = 0), so X is
// diag(⟨w₁, b₁⟩/r₁², ⟨w₂, b₂⟩/r₂²) in that basis and each block slides on its own circle.
class TwoCircles : public Objective {
 public:
  TwoCircles(double a1, Vec b1, double a2, Vec b2) : first_(a1, std::move(b1)), second_(a2, std::move(b2)) {}
  Index dim() const override { return first_.dim() + second_.dim(); }
  std::string spec() const override { return "two_circles"; }

 protected:
  double evaluate(const Vec& th, Batch, Vec* g) const override {
    const Index d1 = first_.dim(), d2 = second_.dim();
    if (!g) return first_.value(th.head(d1)) + second_.value(th.tail(d2));
    Vec g1, g2;
    const double value = first_.value_and_gradient(th.head(d1), g1) + second_.value_and_gradient(th.tail(d2), g2);
    g->resize(dim());
    *g << g1, g2;
    return value;
  }
  void evaluate_hvp(const Vec& th, Batch, const Vec& v, Vec& out) const override {
    const Index d1 = first_.dim(), d2 = second_.dim();
    out.resize(dim());
    out << first_.hessian_vector(th.head(d1), v.head(d1)), second_.hessian_vector(th.tail(d2), v.tail(d2));
  }

 private:
  CircleQuartic first_, second_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(two_critical_eigenvalues_slide_on_two_circles) {
  // Block i: a_i, b_i = (β_i, 0), radius r_i = √(2/η − a_i), w_i = r_i(cos φ_i, sin φ_i) with cos φ_i > 0
  // (X_ii > 0: both constraints active).
  const double eta = 0.5, a1 = 1.0, a2 = 2.5, beta1 = 1.0, beta2 = 0.6;
  const double r1 = std::sqrt(2.0 / eta - a1), r2 = std::sqrt(2.0 / eta - a2);
  const Vec b1 = (Vec(2) << beta1, 0.0).finished(), b2 = (Vec(2) << beta2, 0.0).finished();
  const TwoCircles f(a1, b1, a2, b2);
  auto on_circles = [&](double phi1, double phi2) {
    return (Vec(6) << 0.0, r1 * std::cos(phi1), r1 * std::sin(phi1), 0.0, r2 * std::cos(phi2), r2 * std::sin(phi2))
        .finished();
  };
  // (a) one evaluation: the double eigenvalue 2/η leaves the solver's basis of its eigenspace
  // free, so X is diag(X₁₁, X₂₂) up to a rotation: compare its eigenvalues, and the field
  // (basis-free) with each block's single-circle field ẇ_i = b_i − (⟨b_i, w_i⟩/r_i²) w_i, ẋ_i = 0.
  const double phi1 = 0.9, phi2 = -0.7;
  const Vec th = on_circles(phi1, phi2);
  CentralFlow flow(CentralFlowParams{.lr = eta}, "central", f);
  const CentralFlowPoint q = flow.evaluate(th);
  BOOST_TEST_REQUIRE(q.critical == 2);
  const Vec w1 = th.segment(1, 2), w2 = th.tail(2);
  const double x11 = b1.dot(w1) / (r1 * r1), x22 = b2.dot(w2) / (r2 * r2);
  const Vec x_eig = Eigen::SelfAdjointEigenSolver<Mat>(q.x).eigenvalues();  // ascending
  BOOST_TEST(x_eig(0) == std::min(x11, x22), boost::test_tools::tolerance(1e-9));
  BOOST_TEST(x_eig(1) == std::max(x11, x22), boost::test_tools::tolerance(1e-9));
  Vec field(6);
  field << 0.0, b1 - x11 * w1, 0.0, b2 - x22 * w2;
  BOOST_TEST(relative_error(q.field, field) < 1e-9);
  // F + ½ Σ λ_i X_ii with λ₁ = λ₂ = 2/η: F + tr X/η (tr X against the closed form above)
  BOOST_TEST(q.predicted_loss == q.loss + q.x.trace() / eta, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(q.x.trace() == x11 + x22, boost::test_tools::tolerance(1e-9));
  // (b) the flow: each block follows its own circle_angle, the closed form of the single block.
  FlowPtr central = make_flow("central:lr=0.5,relax=0.01", f);
  const double phi01 = 1.2, phi02 = -0.8, T = 2.0;
  const Vec z = integrate_flow(*central, on_circles(phi01, phi02), T, "rk4:h=0.002");
  const Vec exact = on_circles(circle_angle(phi01, beta1, r1, T), circle_angle(phi02, beta2, r2, T));
  BOOST_TEST(relative_error(z, exact) < 1e-8);
}

// On a quadratic ∇³F = 0: an eigenvalue above 2/η can not be held at the edge by any
// oscillation, so the central flow must refuse (not return X ~ 1e27 from rounding noise).
BOOST_AUTO_TEST_CASE(a_quadratic_beyond_the_edge_is_a_flow_evaluation_error) {
  ObjectivePtr f = make_objective("quadratic:eigs=10/7/1/0.5,rotate=false");
  for (const char* spec : {"central:lr=0.5", "central:lr=0.5,k=2"}) {  // 2/η = 4: 10 and 7 above it
    FlowPtr flow = make_flow(spec, *f);
    Vec dz;
    BOOST_CHECK_THROW(flow->derivative(Vec::Ones(4), dz, 0.0), FlowEvaluationError);
  }
  // Below the edge it is gradient flow, exactly.
  FlowPtr calm = make_flow("central:lr=0.1", *f);
  Vec dz;
  calm->derivative(Vec::Ones(4), dz, 0.0);
  BOOST_TEST((dz + f->gradient(Vec::Ones(4))).norm() == 0.0);
}

// --- the central flow of RMSprop (flows/rmsprop_central_flow.hpp) -----------------------------

namespace {

// λmax(P⁻¹H) with P = diag(D)/η, by Eigen's dense generalized solver (not the flow's scaling).
double preconditioned_sharpness(const Objective& f, const Vec& theta, const Vec& nu, double eta, double eps) {
  const Vec p = (nu.cwiseSqrt().array() + eps).matrix() / eta;
  const Mat h = f.hessian(theta);
  Eigen::GeneralizedSelfAdjointEigenSolver<Mat> eig(0.5 * (h + h.transpose()), Mat(p.asDiagonal()));
  return eig.eigenvalues().maxCoeff();
}

}  // namespace

BOOST_AUTO_TEST_CASE(rmsprop_central_flow_with_frozen_unit_preconditioner_is_the_central_flow_of_gd) {
  // α = 1 freezes ν (b = 0); ν = (1 − ε)² makes D = 1, P = I/η: RMSprop is GD with step η, and
  // with UᵀPU = I (u = √η·unit) X_GD = ηX.
  const double eta = 0.5, a = 1.0, r = std::sqrt(2.0 / eta - a), eps = 1e-8;
  const CircleQuartic f(a, (Vec(2) << 1.3, 0.0).finished());
  const RmspropCentralFlow flow(RmspropCentralFlowParams{.lr = eta, .alpha = 1.0, .eps = eps}, "rmsprop_central", f);
  const CentralFlow gd(CentralFlowParams{.lr = eta}, "central", f);
  for (const double phi : {0.9, -0.4}) {
    const Vec th = (Vec(3) << 0.0, r * std::cos(phi), r * std::sin(phi)).finished();
    Vec z(6);
    z << th, Vec::Constant(3, (1.0 - eps) * (1.0 - eps));
    const RmspropCentralFlowPoint q = flow.evaluate(z);
    const CentralFlowPoint reference = gd.evaluate(th);
    BOOST_TEST_REQUIRE(q.critical == 1);
    BOOST_TEST(q.eigenvalues(0) == eta * reference.eigenvalues(0), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(eta * q.x(0, 0) == reference.x(0, 0), boost::test_tools::tolerance(1e-9));
    BOOST_TEST(relative_error(q.field.head(3), reference.field) < 1e-9, "phi " << phi);
    BOOST_TEST(q.field.tail(3).norm() == 0.0);
    BOOST_TEST(q.predicted_loss == reference.predicted_loss, boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(rmsprop_central_flow_below_the_edge_is_the_rmsprop_ode) {
  // No critical eigenvalue: the field is the stable flow, Barakat & Bianchi's ODE with the rate
  // b = (1 − α)/(α η) (an independent implementation, adaptive_moment_odes.cpp).
  ObjectivePtr f = make_objective("mlp:data=gaussian,n=20,widths=4-5-2,act=tanh,loss=mse");
  const Index d = f->dim();
  Rng rng(3);
  const Vec th = 0.5 * rng.normal_vector(d);
  const double eta = 1e-3, alpha = 0.9;
  FlowPtr central = make_flow("rmsprop_central:lr=0.001,alpha=0.9,eps=1e-6", *f);
  FlowPtr ode = make_flow("rmsprop_ode:b=" + std::to_string((1 - alpha) / (alpha * eta)) + ",eps=1e-6", *f);
  const Vec z = central->initial_state(th);
  BOOST_TEST(relative_error(z.tail(d), Vec((1 - alpha) * f->gradient(th).array().square())) < 1e-15);
  const RmspropCentralFlowPoint q = dynamic_cast<const RmspropCentralFlow&>(*central).evaluate(z);
  BOOST_TEST_REQUIRE(q.critical == 0);
  BOOST_TEST(q.eigenvalues(0) == preconditioned_sharpness(*f, th, z.tail(d), eta, 1e-6),
             boost::test_tools::tolerance(1e-10));
  Vec dz_central, dz_ode;
  central->derivative(z, dz_central, 0.0);
  ode->derivative(z, dz_ode, 1.0);
  BOOST_TEST(relative_error(dz_central, dz_ode) < 1e-6);  // std::to_string rounds b to 6 digits
}

BOOST_AUTO_TEST_CASE(rmsprop_central_flow_holds_the_preconditioned_sharpness_on_the_edge) {
  // At a state with λmax(P⁻¹H) = 2 exactly (η chosen for it) where the stable flow raises it, the
  // central field must keep it there: d/dt λmax(P⁻¹H) = 0, by central differences of Eigen's
  // generalized eigenvalue along the field (a check of X, of ν's oscillation term and of Ṗ at once),
  // while along the stable field it grows. Dense path and Krylov–Schur path (dense_max = 1).
  ObjectivePtr f = make_objective("mlp:data=gaussian,n=20,widths=4-5-2,act=tanh,loss=mse");
  const Index d = f->dim();
  const double alpha = 0.9, eps = 1e-6;
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 12 && checked < 2; ++seed) {
    Rng rng(seed);
    const Vec th = 0.8 * rng.normal_vector(d);
    const Vec nu = f->gradient(th).array().square() + 0.01;
    const double eta = 2.0 / preconditioned_sharpness(*f, th, nu, 1.0, eps);  // λmax(P⁻¹H) = η·λmax(D⁻¹H)
    Vec z(2 * d);
    z << th, nu;
    auto sharpness_rate = [&](const Vec& dz) {
      const double h = 1e-4 / dz.norm();
      const Vec zp = z + h * dz, zm = z - h * dz;
      return (preconditioned_sharpness(*f, zp.head(d), zp.tail(d).cwiseMax(0.0), eta, eps) -
              preconditioned_sharpness(*f, zm.head(d), zm.tail(d).cwiseMax(0.0), eta, eps)) / (2 * h);
    };
    const RmspropCentralFlowParams params{.lr = eta, .alpha = alpha, .eps = eps, .k = 1, .critical = 0.999};
    const RmspropCentralFlow flow(params, "rmsprop_central", *f);
    const RmspropCentralFlowPoint q = flow.evaluate(z);
    BOOST_TEST_REQUIRE(q.critical == 1);
    BOOST_TEST(q.eigenvalues(0) == 2.0, boost::test_tools::tolerance(1e-10));
    Vec stable(2 * d);  // the stable flow's field: −∇F/D, b(∇F² − ν)
    const Vec g = f->gradient(th), dvec = nu.cwiseSqrt().array() + eps;
    stable << -g.cwiseQuotient(dvec), ((1 - alpha) / (alpha * eta)) * (g.array().square() - nu.array()).matrix();
    const double rate_stable = sharpness_rate(stable);
    if (rate_stable <= 0.0) {  // X = 0 here, the check would be empty
      BOOST_TEST(q.x(0, 0) == 0.0);
      continue;
    }
    ++checked;
    BOOST_TEST(q.x(0, 0) > 0.0);
    BOOST_TEST_MESSAGE("seed " << seed << ": dλ/dt stable " << rate_stable << ", central " << sharpness_rate(q.field));
    BOOST_TEST(std::abs(sharpness_rate(q.field)) < 1e-5 * rate_stable, "seed " << seed);
    RmspropCentralFlowParams krylov = params;
    krylov.dense_max = 1;
    const RmspropCentralFlowPoint qk = RmspropCentralFlow(krylov, "rmsprop_central", *f).evaluate(z);
    BOOST_TEST(relative_error(qk.field, q.field) < 1e-7, "seed " << seed);
  }
  BOOST_TEST(checked == 2);
}

BOOST_AUTO_TEST_CASE(rmsprop_central_flow_registry_and_bad_keys) {
  const CircleQuartic f(1.0, (Vec(2) << 1.0, 0.0).finished());
  FlowPtr flow = make_flow("rmsprop_central:lr=0.25", f);
  BOOST_TEST(flow->spec().find("rmsprop_central:lr=0.25,alpha=0.99") == 0u);
  BOOST_TEST(flow->state_dim() == 6);
  optdyn::testing::expect_input_error([&] { make_flow("rmsprop_central:lr=0.1,k=4", f); }, {"'k'"});
  optdyn::testing::expect_input_error([&] { make_flow("rmsprop_central:alpha=1.5", f); }, {"alpha"});
  optdyn::testing::expect_input_error([&] { make_flow("rmsprop_central:eps=0", f); }, {"eps"});
}

BOOST_AUTO_TEST_CASE(rmsprop_central_flow_refuses_what_its_stability_model_cannot_describe) {
  // A coordinate that never had a gradient has ν = 0, P = ε/η and λ(P⁻¹H) ≈ ηH_dd/ε: with ∇³F = 0
  // along it nothing can hold the edge (it once returned X ~ 1e27 from difference noise and a loss
  // of 1e92 as "ok"). Rosenbrock from 0 (∂F/∂y = 0 there) and a quadratic from its minimiser.
  ObjectivePtr rosenbrock = make_objective("rosenbrock");
  ObjectivePtr quadratic = make_objective("quadratic:dim=5,lmax=100,kappa=10");
  for (const Objective* f : {rosenbrock.get(), quadratic.get()}) {
    FlowPtr flow = make_flow("rmsprop_central:lr=0.001", *f);
    Vec dz;
    BOOST_CHECK_THROW(flow->derivative(flow->initial_state(Vec::Zero(f->dim())), dz, 0.0), FlowEvaluationError);
  }
  // An overflowing scaling √(η/D) gives NaN eigenvalues: an error, not "below the edge".
  FlowPtr huge = make_flow("rmsprop_central:lr=1e308", *rosenbrock);
  Vec dz;
  BOOST_CHECK_THROW(huge->derivative(huge->initial_state((Vec(2) << -1.0, 1.5).finished()), dz, 0.0),
                    FlowEvaluationError);
}
