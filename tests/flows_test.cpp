// Flows (issue 4): every vector field against its formula written out here from gradients,
// finite-difference HVPs and closed forms; Jacobian products against central differences
// of the field; initial states against series/closed-form solutions; small linear problems
// against closed-form solutions (damped oscillator, Bessel functions, e^{−t}).
#define BOOST_TEST_MODULE flows
#include <boost/test/unit_test.hpp>

#include <unsupported/Eigen/MatrixFunctions>

#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/finite_differences.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

// A smooth, non-quadratic objective with a non-constant Hessian (third derivatives matter).
const char* kRosenbrock = "rosenbrock:dim=4,a=2";

Vec field(const Flow& flow, const Vec& z, double t) {
  Vec out;
  flow.derivative(z, out, t);
  return out;
}

// Central difference of the field along v: the reference for jacobian_vector.
Vec field_difference(const Flow& flow, const Vec& z, double t, const Vec& v, double h = 1e-5) {
  return (field(flow, z + h * v, t) - field(flow, z - h * v, t)) / (2 * h);
}

// ∇φ by central differences of a scalar function.
Vec numeric_gradient(const std::function<double(const Vec&)>& phi, const Vec& x, double h = 1e-5) {
  Vec g(x.size());
  for (Index i = 0; i < x.size(); ++i) {
    Vec up = x, down = x;
    up[i] += h;
    down[i] -= h;
    g[i] = (phi(up) - phi(down)) / (2 * h);
  }
  return g;
}

// Per-sample gradients of least squares, (1/2)(a_iᵀθ − b_i)² → a_i(a_iᵀθ − b_i), written out.
Vec sample_gradient(const LeastSquares& ls, Index i, const Vec& theta) {
  const Vec a = ls.a().row(i).transpose();
  return a * (a.dot(theta) - ls.b()[i]);
}

// Classical RK4 through the given times (the test's own integrator, so that the flows are
// checked independently of the library's integrators).
Vec rk4_through(const Flow& flow, Vec z, const std::vector<double>& times) {
  for (std::size_t k = 0; k + 1 < times.size(); ++k) {
    const double t = times[k], dt = times[k + 1] - t;
    const Vec k1 = field(flow, z, t), k2 = field(flow, z + 0.5 * dt * k1, t + 0.5 * dt);
    const Vec k3 = field(flow, z + 0.5 * dt * k2, t + 0.5 * dt), k4 = field(flow, z + dt * k3, t + dt);
    z += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return z;
}

// `steps` equal steps from t0 to t1.
Vec rk4(const Flow& flow, const Vec& z, double t0, double t1, int steps) {
  std::vector<double> times(steps + 1);
  for (int k = 0; k <= steps; ++k) times[k] = t0 + (t1 - t0) * k / steps;
  times[steps] = t1;
  return rk4_through(flow, z, times);
}

// `steps` geometrically growing steps from t0 > 0 to t1 (for fields singular at t = 0).
Vec rk4_geometric(const Flow& flow, const Vec& z, double t0, double t1, int steps) {
  std::vector<double> times(steps + 1);
  for (int k = 0; k <= steps; ++k) times[k] = t0 * std::pow(t1 / t0, static_cast<double>(k) / steps);
  times[steps] = t1;
  return rk4_through(flow, z, times);
}

}  // namespace

BOOST_AUTO_TEST_CASE(registry_lists_every_flow_and_rejects_bad_keys) {
  ObjectivePtr f = make_objective(kRosenbrock);
  for (const char* name : {"gradient", "modified_gd", "central", "heavy_ball", "hb_high_res", "nag_sc_high_res", "nag_c_high_res",
                           "nesterov_ode", "rmsprop_ode", "adam_ode", "newton", "saddle_free", "sgd_sde"})
    BOOST_TEST(describe_flows().find(std::string(name) + "  —") != std::string::npos, name);
  BOOST_CHECK_THROW(make_flow("heavy_ball:mass=0", *f), InputError);
  BOOST_CHECK_THROW(make_flow("heavy_ball:drag=1", *f), InputError);
  BOOST_CHECK_THROW(make_flow("nesterov_ode:t0=0", *f), InputError);
  BOOST_CHECK_THROW(make_flow("adam_ode:second_moment=per_sample", *f), InputError);  // not a finite sum
  BOOST_CHECK_THROW(make_flow("sgd_sde:noise=per_sample", *f), InputError);
  BOOST_CHECK_THROW(make_flow("sgd_sde:order=3", *f), InputError);
  ObjectivePtr big = make_objective("quadratic:dim=20,rotate=false");
  BOOST_CHECK_THROW(make_flow("saddle_free:max_dim=10", *big), InputError);
  FlowPtr hb = make_flow("heavy_ball", *f);
  BOOST_TEST(hb->spec() == "heavy_ball:mass=1,friction=1,v0=0");
  BOOST_CHECK_THROW(hb->initial_state(Vec::Zero(3)), InputError);
}

BOOST_AUTO_TEST_CASE(inertial_fields_match_their_equations) {
  ObjectivePtr f = make_objective(kRosenbrock);
  const Vec x = random_point(4, 1, 0.5), v = random_point(4, 2, 0.5);
  Vec z(8);
  z << x, v;
  const Vec g = f->gradient(x), hv = central_difference_hvp(*f, x, v);
  const double s = 0.04, mu = 0.7, t = 0.9;
  struct Case {
    std::string spec;
    Vec acceleration;  // V̇ written out from the paper's equation
  };
  const Case cases[] = {
      {"heavy_ball:mass=0.3,friction=0.2", -(0.2 * v + g) / 0.3},
      {"hb_high_res:s=0.04,mu=0.7", -(2 * std::sqrt(mu) * v + (1 + std::sqrt(mu * s)) * g)},
      {"nag_sc_high_res:s=0.04,mu=0.7", -(2 * std::sqrt(mu) * v + std::sqrt(s) * hv + (1 + std::sqrt(mu * s)) * g)},
      {"nag_c_high_res:s=0.04", -((3 / t) * v + std::sqrt(s) * hv + (1 + 3 * std::sqrt(s) / (2 * t)) * g)},
      {"nesterov_ode:r=5", -((5 / t) * v + g)},
  };
  for (const auto& c : cases) {
    FlowPtr flow = make_flow(c.spec, *f);
    BOOST_TEST(flow->state_dim() == 8);
    const Vec dz = field(*flow, z, t);
    BOOST_TEST(relative_error(dz.head(4), v) < 1e-15, c.spec);
    BOOST_TEST(relative_error(dz.tail(4), c.acceleration) < 1e-8, c.spec);
  }
}

BOOST_AUTO_TEST_CASE(jacobian_products_match_central_differences) {
  ObjectivePtr f = make_objective(kRosenbrock);
  ObjectivePtr ls = make_objective("least_squares:n=12,dim=4,seed=3");
  struct Case {
    std::string spec;
    const Objective* objective;
  };
  const Case cases[] = {{"gradient", f.get()},
                        {"heavy_ball:mass=0.3,friction=0.2", f.get()},
                        {"hb_high_res:s=0.04,mu=0.7", f.get()},
                        {"nag_sc_high_res:s=0.04,mu=0.7", f.get()},
                        {"nag_c_high_res:s=0.04", f.get()},
                        {"nesterov_ode:r=3", f.get()},
                        {"modified_gd:h=0.05", f.get()},
                        {"adam_ode:a=10,b=1,eps=1e-3", f.get()},
                        {"adam_ode:a=10,b=1,eps=1e-3,second_moment=per_sample", ls.get()},
                        {"rmsprop_ode:b=2,eps=1e-3", f.get()},
                        {"rmsprop_ode:b=2,eps=1e-3,eps_in_root=true", f.get()},
                        {"newton", f.get()},
                        {"saddle_free:damping=0.1", f.get()},
                        {"sgd_sde:lr=0.1,noise=isotropic,sigma=1", f.get()},
                        {"sgd_sde:lr=0.1,order=2,noise=isotropic,sigma=1", f.get()}};
  for (const auto& c : cases) {
    FlowPtr flow = make_flow(c.spec, *c.objective);
    const Index n = flow->state_dim();
    Vec z = random_point(n, 10 + n, 0.5), dir = random_point(n, 20 + n);
    // Moments (adaptive ODEs) must be ≥ 0 with v away from 0.
    if (c.spec.rfind("adam_ode", 0) == 0 || c.spec.rfind("rmsprop_ode", 0) == 0)
      z.tail(4) = z.tail(4).cwiseAbs().array() + 0.5;
    const double t = 0.7;
    Vec jv;
    flow->jacobian_vector(z, t, dir, jv);
    const bool exact = c.spec.rfind("adam", 0) != 0 && c.spec.rfind("rms", 0) != 0 && c.spec.rfind("modified", 0) != 0 &&
                       c.spec.rfind("newton", 0) != 0 && c.spec.rfind("saddle", 0) != 0 && c.spec.find("order=2") == std::string::npos;
    // Exact products (HVPs) agree with an O(h²) central difference to ~1e-8; the default forward
    // difference (documented) to ~1e-6.
    BOOST_TEST(relative_error(jv, field_difference(*flow, z, t, dir)) < (exact ? 1e-7 : 2e-5), c.spec);
    // The dense Jacobian stacks the same products.
    const Mat J = flow->jacobian(z, t);
    BOOST_TEST(relative_error(J * dir, jv) < (exact ? 1e-12 : 2e-5), c.spec);
  }
}

BOOST_AUTO_TEST_CASE(time_derivatives_of_non_autonomous_flows) {
  ObjectivePtr f = make_objective(kRosenbrock);
  for (const char* spec : {"nesterov_ode:r=3", "nag_c_high_res:s=0.04", "adam_ode:a=10,b=1,eps=1e-3"}) {
    FlowPtr flow = make_flow(spec, *f);
    BOOST_TEST(!flow->autonomous(), spec);
    Vec z = random_point(flow->state_dim(), 5, 0.5);
    z.tail(4) = z.tail(4).cwiseAbs();
    const double t = 0.4, h = 1e-5;
    const Vec reference = (field(*flow, z, t + h) - field(*flow, z, t - h)) / (2 * h);
    BOOST_TEST(relative_error(flow->time_derivative(z, t), reference) < 1e-6, spec);
  }
  for (const char* spec : {"heavy_ball", "nag_sc_high_res", "rmsprop_ode", "adam_ode:bias_correction=false", "sgd_sde:noise=isotropic"})
    BOOST_TEST(make_flow(spec, *f)->autonomous(), spec);
}

// Barrett & Dherin: θ̇ = −∇(f + (h/4)‖∇f‖²), the gradient of the modified loss by central differences.
BOOST_AUTO_TEST_CASE(modified_gd_is_the_gradient_of_the_modified_loss) {
  ObjectivePtr f = make_objective(kRosenbrock);
  const double h = 0.05;
  FlowPtr flow = make_flow("modified_gd:h=0.05", *f);
  const Vec x = random_point(4, 7, 0.5);
  auto modified_loss = [&](const Vec& y) { return f->value(y) + 0.25 * h * f->gradient(y).squaredNorm(); };
  BOOST_TEST(relative_error(field(*flow, x, 0), -numeric_gradient(modified_loss, x)) < 1e-7);
  // sgd_sde's order-2 drift is the same field.
  FlowPtr sde = make_flow("sgd_sde:lr=0.05,order=2,noise=isotropic", *f);
  BOOST_TEST(relative_error(field(*sde, x, 0), field(*flow, x, 0)) < 1e-14);
  BOOST_TEST(relative_error(field(*make_flow("sgd_sde:lr=0.05,noise=isotropic", *f), x, 0), -f->gradient(x)) < 1e-15);
}

BOOST_AUTO_TEST_CASE(adaptive_moment_fields_match_barakat_bianchi) {
  ObjectivePtr obj = make_objective("least_squares:n=9,dim=3,seed=4");
  const auto& ls = dynamic_cast<const LeastSquares&>(*obj);
  const Vec x = random_point(3, 8), m = random_point(3, 9);
  const Vec v = random_point(3, 10).cwiseAbs();
  const double a = 7, b = 0.5, eps = 1e-2, t = 0.3;
  Vec S_full = obj->gradient(x).cwiseAbs2(), S_sample = Vec::Zero(3), gbar = Vec::Zero(3);
  for (Index i = 0; i < 9; ++i) {
    S_sample += sample_gradient(ls, i, x).cwiseAbs2() / 9.0;
    gbar += sample_gradient(ls, i, x) / 9.0;
  }
  const double h = 1 / (1 - std::exp(-a * t)), r = 1 / (1 - std::exp(-b * t));
  for (bool per_sample : {false, true}) {
    const Vec& S = per_sample ? S_sample : S_full;
    const std::string moment = per_sample ? "per_sample" : "full_batch";
    Vec z(9);
    z << x, m, v;
    const Vec dz = field(*make_flow("adam_ode:a=7,b=0.5,eps=1e-2,second_moment=" + moment, ls), z, t);
    BOOST_TEST(relative_error(dz.head(3), Vec(-h * m.array() / (eps + (r * v.array()).sqrt()))) < 1e-14);
    BOOST_TEST(relative_error(dz.segment(3, 3), Vec(a * (gbar - m))) < 1e-12);
    BOOST_TEST(relative_error(dz.tail(3), Vec(b * (S - v))) < 1e-12, moment);
    const Vec dn = field(*make_flow("adam_ode:a=7,b=0.5,eps=1e-2,bias_correction=false,second_moment=" + moment, ls), z, t);
    BOOST_TEST(relative_error(dn.head(3), Vec(-m.array() / (eps + v.array().sqrt()))) < 1e-14);
    Vec w(6);
    w << x, v;
    const Vec dr = field(*make_flow("rmsprop_ode:b=0.5,eps=1e-2,second_moment=" + moment, ls), w, t);
    BOOST_TEST(relative_error(dr.head(3), Vec(-gbar.array() / (eps + v.array().sqrt()))) < 1e-12);
    BOOST_TEST(relative_error(dr.tail(3), Vec(b * (S - v))) < 1e-12);
    const Vec di = field(*make_flow("rmsprop_ode:b=0.5,eps=1e-2,eps_in_root=true,second_moment=" + moment, ls), w, t);
    BOOST_TEST(relative_error(di.head(3), Vec(-gbar.array() / (v.array() + eps).sqrt())) < 1e-12);
  }
}

// Series start at t₀ against the solution of the moment ODEs started at (x₀, 0, 0) at
// δ = 10⁻¹⁰t₀ (the fields stay finite there: max(v, 0) and bounded bias factors), integrated
// here by RK4 on 3000 geometrically growing steps. The start freezes x inside the moment
// equations, so its error shrinks with t₀: relative to the displacement and to the moments,
// O(t₀) for Adam (x moves O(t₀)) and O(√t₀) for RMSprop (x moves O(√t₀) while √v builds up).
// Checked: small at t₀ = 10⁻⁴ and smaller by the predicted factor (256 resp. 16) at t₀/256
// (with a margin of 2).
double series_start_error(const Objective& f, const std::string& spec, const Vec& x0) {
  FlowPtr flow = make_flow(spec, f);
  const Index d = x0.size(), n = flow->state_dim();
  Vec z = Vec::Zero(n);
  z.head(d) = x0;
  z = rk4_geometric(*flow, z, 1e-10 * flow->start_time(), flow->start_time(), 3000);
  const Vec start = flow->initial_state(x0);
  double error = (start.head(d) - z.head(d)).norm() / (z.head(d) - x0).norm();
  for (Index block = d; block < n; block += d)
    error = std::max(error, relative_error(start.segment(block, d), z.segment(block, d)));
  return error;
}

BOOST_AUTO_TEST_CASE(adaptive_moment_series_start) {
  ObjectivePtr f = make_objective(kRosenbrock);
  const Vec x0 = random_point(4, 12, 0.5);
  for (const auto& [spec, order] : {std::pair<std::string, double>{"adam_ode:a=50,b=2,eps=1e-3", 1.0},
                                    {"adam_ode:a=50,b=2,eps=1e-3,bias_correction=false", 1.0},
                                    {"rmsprop_ode:b=2,eps=1e-3", 0.5}}) {
    const double e1 = series_start_error(*f, spec + ",t0=1e-4", x0);
    const double e2 = series_start_error(*f, spec + ",t0=3.90625e-7", x0);
    BOOST_TEST(e1 < 0.06, spec << " error " << e1);
    BOOST_TEST(e2 < e1 * std::pow(256.0, -order) * 2, spec << " errors " << e1 << " " << e2);
  }
  BOOST_TEST(make_flow("adam_ode:a=50,b=2", *f)->start_time() == 1e-6 / 50);
}

// Ẍ + (r/t)Ẋ + λX = 0, X(0) = x₀, Ẋ(0) = 0 has X(t) = x₀ Γ(ν+1)(2/(ωt))^ν J_ν(ωt), ν = (r−1)/2,
// ω = √λ (Su, Boyd & Candès 2014, §3.1 for r = 3: X = 2x₀J₁(ωt)/(ωt)).
double nesterov_bessel(double x0, double lambda, double r, double t) {
  const double nu = (r - 1) / 2, w = std::sqrt(lambda) * t;
  return x0 * std::tgamma(nu + 1) * std::pow(2 / w, nu) * std::cyl_bessel_j(nu, w);
}
double nesterov_bessel_velocity(double x0, double lambda, double r, double t) {
  const double nu = (r - 1) / 2, w = std::sqrt(lambda) * t;
  // d/dt [w^{−ν}J_ν(w)] = −√λ w^{−ν}J_{ν+1}(w).
  return -x0 * std::tgamma(nu + 1) * std::pow(2.0, nu) * std::sqrt(lambda) * std::pow(w, -nu) * std::cyl_bessel_j(nu + 1, w);
}

BOOST_AUTO_TEST_CASE(nesterov_series_start_matches_bessel_solution) {
  ObjectivePtr f = make_objective("quadratic:eigs=2.5,rotate=false");
  for (double r : {3.0, 1.5, 6.0}) {
    for (double t0 : {0.05, 0.2}) {
      FlowPtr flow = make_flow("nesterov_ode:r=" + std::to_string(r) + ",t0=" + std::to_string(t0), *f);
      const Vec z = flow->initial_state(Vec::Constant(1, 1.3));
      const double x = nesterov_bessel(1.3, 2.5, r, t0), v = nesterov_bessel_velocity(1.3, 2.5, r, t0);
      // Series error O(t₀⁶λ³) in X, O(t₀⁵λ³) in Ẋ.
      BOOST_TEST(std::abs(z[0] - x) < 2 * std::pow(t0, 6) * std::pow(2.5, 3) * 1.3 / 100, "r " << r << " t0 " << t0);
      BOOST_TEST(std::abs(z[1] - v) < std::pow(t0, 5) * std::pow(2.5, 3) * 1.3 / 10, "r " << r << " t0 " << t0);
    }
  }
}

BOOST_AUTO_TEST_CASE(high_resolution_initial_velocities) {
  ObjectivePtr f = make_objective(kRosenbrock);
  const Vec x0 = random_point(4, 3, 0.5), g = f->gradient(x0);
  const double s = 0.04, mu = 0.7;
  const Vec sc = make_flow("nag_sc_high_res:s=0.04,mu=0.7,t0=0.2", *f)->initial_state(x0);
  BOOST_TEST(relative_error(sc.tail(4), Vec(-2 * std::sqrt(s) * g / (1 + std::sqrt(mu * s)))) < 1e-15);
  BOOST_TEST(relative_error(sc.head(4), x0) < 1e-15);
  BOOST_TEST(make_flow("nag_sc_high_res:s=0.04,mu=0.7,t0=0.2", *f)->start_time() == 0.2);
  const double b0 = 1 + std::sqrt(mu * s);
  const Vec matched = make_flow("hb_high_res:s=0.04,mu=0.7,start=matched", *f)->initial_state(x0);
  BOOST_TEST(relative_error(matched.tail(4), Vec(-std::sqrt(s) * (2 / b0 - b0 / 2) * g)) < 1e-15);
  FlowPtr c = make_flow("nag_c_high_res:s=0.04", *f);
  BOOST_TEST(std::abs(c->start_time() - 0.3) < 1e-15);
  BOOST_TEST(relative_error(c->initial_state(x0).tail(4), Vec(-0.2 * g)) < 1e-15);
  const Vec hb = make_flow("heavy_ball:v0=0.25", *f)->initial_state(x0);
  BOOST_TEST(relative_error(hb.tail(4), Vec(-0.25 * g)) < 1e-15);
}

// The heavy-ball ODE in time u = t/√s with m = s(1+α)/2, γ = 1−α is Shi et al.'s
// hb_high_res with √(μs) = (1−α)/(1+α): the fields agree after the chain rule
// dX/du = √s dX/dt, d²X/du² = s d²X/dt².
BOOST_AUTO_TEST_CASE(heavy_ball_is_hb_high_res_on_a_rescaled_clock) {
  ObjectivePtr f = make_objective(kRosenbrock);
  const double s = 0.01, alpha = 0.8, root = (1 - alpha) / (1 + alpha), mu = root * root / s;
  FlowPtr hb = make_flow("heavy_ball:mass=" + format_number(s * (1 + alpha) / 2) + ",friction=" + format_number(1 - alpha), *f);
  FlowPtr hr = make_flow("hb_high_res:s=0.01,mu=" + format_number(mu), *f);
  Vec z(8);
  z << random_point(4, 4, 0.5), random_point(4, 5);
  Vec zu = z;
  zu.tail(4) *= std::sqrt(s);
  const Vec dt = field(*hb, z, 0), du = field(*hr, zu, 0);
  BOOST_TEST(relative_error(du.head(4), Vec(std::sqrt(s) * dt.head(4))) < 1e-14);
  BOOST_TEST(relative_error(du.tail(4), Vec(s * dt.tail(4))) < 1e-13);
}

// Ẍ + (γ/m)Ẋ + (λ/m)X = 0, underdamped: X = e^{−βt}(x₀cos ωt + ((v₀ + βx₀)/ω) sin ωt),
// β = γ/2m, ω = √(λ/m − β²).
BOOST_AUTO_TEST_CASE(heavy_ball_is_a_damped_oscillator) {
  ObjectivePtr f = make_objective("quadratic:eigs=3,rotate=false");
  const double m = 0.5, gamma = 0.4, lambda = 3, x0 = 1.2, v0 = -0.25 * lambda * x0;
  FlowPtr flow = make_flow("heavy_ball:mass=0.5,friction=0.4,v0=0.25", *f);
  Vec z = flow->initial_state(Vec::Constant(1, x0));
  const double beta = gamma / (2 * m), omega = std::sqrt(lambda / m - beta * beta);
  double t = 0;
  for (double t_next : {0.5, 1.0, 2.0, 4.0}) {
    z = rk4(*flow, z, t, t_next, 2000);
    t = t_next;
    const double c = std::cos(omega * t), sn = std::sin(omega * t), e = std::exp(-beta * t);
    const double x = e * (x0 * c + (v0 + beta * x0) / omega * sn);
    const double v = e * (-beta * (x0 * c + (v0 + beta * x0) / omega * sn) + (-x0 * omega * sn + (v0 + beta * x0) * c));
    BOOST_TEST(std::abs(z[0] - x) < 1e-10, "t " << t);
    BOOST_TEST(std::abs(z[1] - v) < 1e-10, "t " << t);
  }
}

// On F = ½(θ−θ*)ᵀA(θ−θ*) the inertial flows are linear: z − z* = e^{Mt}(z₀ − z*) with the
// companion matrix M = [[0, I], [−A/m, −γ/m I]] (gradient flow: M = −A), e^{Mt} by Eigen's
// Padé/scaling-and-squaring matrix exponential.
BOOST_AUTO_TEST_CASE(linear_flows_match_matrix_exponentials) {
  ObjectivePtr f = make_objective("quadratic:dim=4,kappa=20,lmax=2,shift=1,seed=5");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  const Mat A = q.matrix();
  const Vec star = q.minimizer(), theta0 = random_point(4, 6);
  const double T = 3.0;
  {
    FlowPtr flow = make_flow("gradient", *f);
    const Vec z = rk4(*flow, flow->initial_state(theta0), 0, T, 3000);
    const Mat E = (-A * T).exp();
    BOOST_TEST(relative_error(z, Vec(star + E * (theta0 - star))) < 1e-10);
  }
  {
    const double m = 0.7, gamma = 0.3;
    FlowPtr flow = make_flow("heavy_ball:mass=0.7,friction=0.3,v0=0.5", *f);
    const Vec z0 = flow->initial_state(theta0);
    Mat M = Mat::Zero(8, 8);
    M.topRightCorner(4, 4).setIdentity();
    M.bottomLeftCorner(4, 4) = -A / m;
    M.bottomRightCorner(4, 4) = -(gamma / m) * Mat::Identity(4, 4);
    Vec zstar = Vec::Zero(8);
    zstar.head(4) = star;
    const Vec expected = zstar + (M * T).exp() * (z0 - zstar);
    BOOST_TEST(relative_error(rk4(*flow, z0, 0, T, 3000), expected) < 1e-10);
    BOOST_TEST(relative_error(z0.tail(4), Vec(-0.5 * A * (theta0 - star))) < 1e-14);
  }
}

BOOST_AUTO_TEST_CASE(newton_and_saddle_free_fields) {
  // Quadratic: Newton's field is −(θ − θ*) whatever A; saddle-free's is −Q diag(λ/(|λ|+δ)) Qᵀ(θ − θ*).
  ObjectivePtr f = make_objective("quadratic:eigs=4/-0.5/0.01,rotate=true,shift=1,seed=2");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  const Vec theta = random_point(3, 9), d = theta - q.minimizer();
  const Mat Q = q.rotation();
  const Vec lam = q.eigenvalues();
  BOOST_TEST(relative_error(field(*make_flow("newton:tol=1e-13", *f), theta, 0), Vec(-d)) < 1e-10);
  for (double damping : {0.0, 0.3}) {
    const Vec ratio = lam.array() / (lam.array().abs() + damping);
    const Vec expected = -(Q * ratio.asDiagonal() * Q.transpose() * d);
    FlowPtr sf = make_flow("saddle_free:damping=" + format_number(damping), *f);
    BOOST_TEST(relative_error(field(*sf, theta, 0), expected) < 1e-12, "damping " << damping);
  }
  // Rosenbrock: −H⁻¹∇f with H from central differences of the gradient, solved densely.
  ObjectivePtr r = make_objective(kRosenbrock);
  const Vec x = Vec::Constant(4, 0.9) + random_point(4, 11, 0.05);
  Mat H(4, 4);
  for (Index j = 0; j < 4; ++j) H.col(j) = central_difference_hvp(*r, x, Vec::Unit(4, j));
  const Vec g = r->gradient(x);
  BOOST_TEST(relative_error(field(*make_flow("newton", *r), x, 0), Vec(-H.ldlt().solve(g))) < 1e-7);
  Eigen::SelfAdjointEigenSolver<Mat> eig(0.5 * (H + H.transpose()));
  const Vec sf = -(eig.eigenvectors() * (eig.eigenvectors().transpose() * g).cwiseQuotient(Vec(eig.eigenvalues().cwiseAbs())));
  BOOST_TEST(relative_error(field(*make_flow("saddle_free", *r), x, 0), sf) < 1e-7);
  // A solve that cannot reach the tolerance stops the flow with a clear error.
  BOOST_CHECK_THROW(field(*make_flow("newton:max_iterations=1", *f), theta, 0), FlowEvaluationError);
  ObjectivePtr singular = make_objective("quadratic:eigs=1/0,rotate=false");
  BOOST_CHECK_THROW(field(*make_flow("saddle_free", *singular), Vec::Ones(2), 0), FlowEvaluationError);
}

// Newton flow on a quadratic: θ(t) − θ* = e^{−t}(θ₀ − θ*) (any conditioning).
BOOST_AUTO_TEST_CASE(newton_flow_contracts_at_unit_rate) {
  ObjectivePtr f = make_objective("quadratic:dim=5,kappa=1000,shift=1,seed=3");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  FlowPtr flow = make_flow("newton:tol=1e-13", *f);
  const Vec theta0 = random_point(5, 4);
  const Vec z = rk4(*flow, flow->initial_state(theta0), 0, 2.0, 200);
  BOOST_TEST(relative_error(Vec(z - q.minimizer()), Vec(std::exp(-2.0) * (theta0 - q.minimizer()))) < 1e-9);
}

// sgd_sde per_sample: G Gᵀ = (η/B)·Σ with Σ the (1/n-normalised) covariance of the per-sample
// gradients computed here from the least-squares rows; sampling=without multiplies by (n−B)/(n−1).
BOOST_AUTO_TEST_CASE(sgd_sde_diffusion_covariance) {
  ObjectivePtr obj = make_objective("least_squares:n=15,dim=3,noise=0.5,seed=6");
  const auto& ls = dynamic_cast<const LeastSquares&>(*obj);
  const Vec theta = random_point(3, 13);
  Vec mean = Vec::Zero(3);
  for (Index i = 0; i < 15; ++i) mean += sample_gradient(ls, i, theta) / 15.0;
  Mat sigma = Mat::Zero(3, 3);
  for (Index i = 0; i < 15; ++i) {
    const Vec c = sample_gradient(ls, i, theta) - mean;
    sigma += c * c.transpose() / 15.0;
  }
  const double eta = 0.2;
  for (const auto& [sampling, factor] : {std::pair<std::string, double>{"replacement", 1.0}, {"without", 11.0 / 14.0}}) {
    FlowPtr flow = make_flow("sgd_sde:lr=0.2,batch=4,sampling=" + sampling, ls);
    BOOST_TEST(flow->noise_dim() == 15);
    Mat G(3, 15);
    Vec col;
    for (Index i = 0; i < 15; ++i) {
      flow->diffusion_times(theta, 0, Vec::Unit(15, i), col);
      G.col(i) = col;
    }
    const Mat expected = factor * eta / 4 * sigma;
    BOOST_TEST((G * G.transpose() - expected).norm() / expected.norm() < 1e-12, sampling);
  }
  FlowPtr iso = make_flow("sgd_sde:lr=0.2,batch=4,noise=isotropic,sigma=3", ls);
  BOOST_TEST(iso->noise_dim() == 3);
  Vec out;
  iso->diffusion_times(theta, 0, Vec::Ones(3), out);
  BOOST_TEST(relative_error(out, Vec::Constant(3, 3 * std::sqrt(0.2 / 4))) < 1e-15);
  BOOST_TEST(make_flow("gradient", ls)->noise_dim() == 0);
  BOOST_CHECK_THROW(make_flow("sgd_sde:batch=16,sampling=without", ls), InputError);
}

// Additive-noise SDE dX = −λX dt + σ√(η/B) dW on f = λx²/2: stationary variance ησ²/(2λB).
// Euler–Maruyama with dt = η is SGD with Gaussian gradient noise, whose stationary variance is
// ησ²/(Bλ(2 − ηλ)) (the discrete correction). A seeded run of 10⁶ steps (relative standard
// error of the variance ≈ 1%) must match the discrete value within 3% and the continuous
// one within 5%.
BOOST_AUTO_TEST_CASE(sgd_sde_stationary_variance) {
  ObjectivePtr f = make_objective("quadratic:eigs=2,rotate=false");
  const double lambda = 2, eta = 0.025, sigma = 1.5, B = 2;
  FlowPtr flow = make_flow("sgd_sde:lr=0.025,batch=2,noise=isotropic,sigma=1.5", *f);
  Rng rng(2024);
  Vec z = Vec::Zero(1), drift, noise, xi(1);
  const int burn = 2000, steps = 1000000;
  double sum2 = 0;
  for (int k = 0; k < burn + steps; ++k) {
    flow->derivative(z, drift, k * eta);
    xi[0] = std::sqrt(eta) * rng.normal();
    flow->diffusion_times(z, k * eta, xi, noise);
    z += eta * drift + noise;
    if (k >= burn) sum2 += z[0] * z[0];
  }
  const double measured = sum2 / steps;
  const double continuous = eta * sigma * sigma / (2 * lambda * B);
  const double discrete = eta * sigma * sigma / (B * lambda * (2 - eta * lambda));
  BOOST_TEST(std::abs(measured / discrete - 1) < 0.03, "measured " << measured << " discrete " << discrete);
  BOOST_TEST(std::abs(measured / continuous - 1) < 0.05, "measured " << measured << " continuous " << continuous);
}
