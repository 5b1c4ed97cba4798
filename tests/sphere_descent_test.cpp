// Tests of analysis/critical_points/sphere_descent.hpp: gradient descent retracted to the sphere,
// on the spherical 3-spin glass (N = 12), against independent checks:
//  * the run stays on the sphere and ends where central finite differences of the energy along
//    geodesics (not the objective's gradient) vanish in every tangent direction;
//  * the end is a local minimum (the tangent Hessian has no negative eigenvalue) whose energy is
//    below the start's and, per spin, not far below the ABC ground state −1.657 (Auffinger, Ben
//    Arous & Černý 2013; at N = 12 the finite-size spread is a few tenths, hence the margin);
//  * bad parameters are InputErrors.
#define BOOST_TEST_MODULE sphere_descent
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "optdyn/analysis/critical_points/sphere_descent.hpp"
#include "optdyn/analysis/critical_points/sphere_geometry.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/spherical_pspin.hpp"

using namespace optdyn;
using namespace optdyn::analysis;

namespace {

// d/dt H(γ(t)) at t = 0 along the geodesic γ(t) = cos(t/r) σ + r sin(t/r) ξ (‖ξ‖ = 1, ξ ⊥ σ,
// r = ‖σ‖), by central differences with step h.
double geodesic_derivative(const SphericalPSpin& f, const Vec& sigma, const Vec& xi, double h) {
  const double r = sigma.norm();
  const auto at = [&](double t) { return f.energy(std::cos(t / r) * sigma + r * std::sin(t / r) * xi); };
  return (at(h) - at(-h)) / (2 * h);
}

Vec random_start(Index n, std::uint64_t seed) {
  Rng rng(seed);
  Vec v(n);
  for (Index i = 0; i < n; ++i) v[i] = rng.normal();
  return onto_sphere(v);
}

}  // namespace

BOOST_AUTO_TEST_CASE(gd_on_the_pspin_ends_at_a_local_minimum) {
  const Index n = 12;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const SphericalPSpin f(n, 3, seed, "pspin-test");
    const Vec start = random_start(n, 100 + seed);
    const SphereDescent run = descend_on_sphere(f, start, {.optimizer = "gd:lr=0.1", .max_steps = 100000, .tol = 1e-9});
    BOOST_TEST(run.converged);
    BOOST_TEST(std::abs(run.theta.squaredNorm() - n) < 1e-9 * n);
    // The finite-difference check is sensitive to a gradient of the size the run stops at.
    const Mat b = tangent_basis(run.theta);
    for (Index k = 0; k < b.cols(); ++k)
      BOOST_TEST(std::abs(geodesic_derivative(f, run.theta, b.col(k), 1e-4)) < 1e-6);
    // And the same check sees the gradient at the start (it is not blind).
    const Mat b0 = tangent_basis(start);
    double start_slope = 0;
    for (Index k = 0; k < b0.cols(); ++k) start_slope = std::max(start_slope, std::abs(geodesic_derivative(f, start, b0.col(k), 1e-4)));
    BOOST_TEST(start_slope > 1e-2);
    const Vec lambda = Eigen::SelfAdjointEigenSolver<Mat>(f.tangent_hessian(run.theta)).eigenvalues();
    BOOST_TEST(lambda.minCoeff() > -1e-6);
    const double e = f.energy(run.theta) / static_cast<double>(n);
    BOOST_TEST(e < f.energy(start) / static_cast<double>(n));
    BOOST_TEST(e > -1.657 - 0.3);
    BOOST_TEST(e < 0.0);
  }
}

BOOST_AUTO_TEST_CASE(stops_at_max_steps_and_refuses_bad_input) {
  const SphericalPSpin f(6, 3, 4, "pspin-test");
  const Vec start = random_start(6, 9);
  const SphereDescent run = descend_on_sphere(f, start, {.optimizer = "gd:lr=0.01", .max_steps = 3, .tol = 1e-12});
  BOOST_TEST(run.steps == 3);
  BOOST_TEST(!run.converged);
  BOOST_CHECK_THROW(descend_on_sphere(f, Vec::Zero(6)), InputError);
  BOOST_CHECK_THROW(descend_on_sphere(f, start, {.max_steps = 0}), InputError);
  BOOST_CHECK_THROW(descend_on_sphere(f, start, {.tol = 0}), InputError);
}
