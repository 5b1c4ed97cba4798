// Line searches (line_search.hpp): the returned step satisfies the conditions the search
// promises, checked from closed forms of φ independently of the search's own bookkeeping.
//  * strong Wolfe on the test functions of Moré & Thuente (1994, ACM TOMS 20:286, Table 1–3:
//    φ(α) = −α/(α² + β); φ(α) = (α + β)⁵ − 2(α + β)⁴; the wiggly φ₀(α) + 2(1−β)/(lπ)·sin(lπα/2))
//    over first trials 1e-3 … 1e3, and on Rosenbrock along −g through an oracle;
//  * Armijo backtracking returns α₀ρʲ with the Armijo condition holding there and failing at
//    α₀ρʲ⁻¹;
//  * exact_quadratic returns −gᵀp / pᵀAp on a quadratic (A from the objective's matrix);
//  * the gradient handed back by line_search_step is ∇F at the new θ.
#define BOOST_TEST_MODULE line_search
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>
#include <numbers>

#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/line_search.hpp"
#include "support/finite_differences.hpp"

using namespace optdyn;

namespace {

// φ and φ' from closed forms; counts evaluations.
class ClosedForm final : public LineFunction {
 public:
  ClosedForm(std::function<double(double)> f, std::function<double(double)> df) : f_(std::move(f)), df_(std::move(df)) {}
  double value(double a) override {
    ++evaluations;
    return f_(a);
  }
  double value_and_derivative(double a, double& d) override {
    ++evaluations;
    d = df_(a);
    return f_(a);
  }
  double second_derivative_at_zero() override { return (df_(1e-6) - df_(-1e-6)) / 2e-6; }
  double f(double a) const { return f_(a); }
  double df(double a) const { return df_(a); }
  int evaluations = 0;

 private:
  std::function<double(double)> f_, df_;
};

std::vector<std::pair<std::string, ClosedForm>> more_thuente_functions() {
  std::vector<std::pair<std::string, ClosedForm>> out;
  {
    const double b = 2.0;
    out.emplace_back("MT1 -a/(a^2+2)", ClosedForm([b](double a) { return -a / (a * a + b); },
                                                  [b](double a) { return (a * a - b) / ((a * a + b) * (a * a + b)); }));
  }
  {
    const double b = 0.004;
    out.emplace_back("MT2 (a+b)^5-2(a+b)^4",
                     ClosedForm([b](double a) { return std::pow(a + b, 5) - 2.0 * std::pow(a + b, 4); },
                                [b](double a) { return 5.0 * std::pow(a + b, 4) - 8.0 * std::pow(a + b, 3); }));
  }
  {
    const double b = 0.01, l = 39.0, pi = std::numbers::pi;
    const auto phi0 = [b](double a) {
      if (a <= 1.0 - b) return 1.0 - a;
      if (a >= 1.0 + b) return a - 1.0;
      return (a - 1.0) * (a - 1.0) / (2.0 * b) + b / 2.0;
    };
    const auto dphi0 = [b](double a) {
      if (a <= 1.0 - b) return -1.0;
      if (a >= 1.0 + b) return 1.0;
      return (a - 1.0) / b;
    };
    out.emplace_back("MT3 wiggly",
                     ClosedForm([=](double a) { return phi0(a) + 2.0 * (1.0 - b) / (l * pi) * std::sin(l * pi * a / 2.0); },
                                [=](double a) { return dphi0(a) + (1.0 - b) * std::cos(l * pi * a / 2.0); }));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(strong_wolfe_conditions_hold_on_more_thuente_functions) {
  for (const double c2 : {0.1, 0.9}) {
    LineSearchOptions o;
    o.c1 = 1e-4;
    o.c2 = c2;
    for (auto& [name, phi] : more_thuente_functions()) {
      const double f0 = phi.f(0.0), d0 = phi.df(0.0);
      BOOST_REQUIRE(d0 < 0.0);
      for (const double alpha0 : {1e-3, 1e-1, 1.0, 10.0, 1e3}) {
        phi.evaluations = 0;
        const LineSearchResult r = strong_wolfe(phi, f0, d0, alpha0, o);
        const double a = r.alpha;
        BOOST_TEST(r.success, name << " α₀ " << alpha0);
        BOOST_TEST(a > 0.0);
        BOOST_TEST(phi.f(a) <= f0 + o.c1 * a * d0, name << " sufficient decrease at α = " << a);
        BOOST_TEST(std::abs(phi.df(a)) <= c2 * std::abs(d0), name << " curvature at α = " << a);
        BOOST_TEST(r.phi == phi.f(a));
        BOOST_TEST(r.evaluations == phi.evaluations);
        BOOST_TEST(r.evaluations <= 30, name << " α₀ " << alpha0 << ": " << r.evaluations << " trials");
        BOOST_TEST_MESSAGE(name << " c2=" << c2 << " α₀=" << alpha0 << " → α=" << a << " in " << r.evaluations);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(strong_wolfe_through_an_oracle_on_rosenbrock) {
  ObjectivePtr f = make_objective("rosenbrock:dim=6");
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Vec theta = testing::random_point(6, seed);
    const Vec g = f->gradient(theta);
    const Vec p = -g;
    ObjectiveOracle oracle(*f);
    LineSearchOptions o;
    const LineStep step = [&] {
      Vec moved = theta;
      LineStep s = line_search_step(oracle, moved, p, f->value(theta), g.dot(p), 1.0 / g.norm(), o);
      BOOST_TEST(testing::relative_error(moved, Vec(theta + s.search.alpha * p)) <= 1e-15);
      return s;
    }();
    const double a = step.search.alpha;
    const Vec x = theta + a * p;
    BOOST_TEST(step.search.success);
    BOOST_TEST(f->value(x) <= f->value(theta) + o.c1 * a * g.dot(p));
    BOOST_TEST(std::abs(f->gradient(x).dot(p)) <= o.c2 * std::abs(g.dot(p)));
    BOOST_REQUIRE(step.gradient_known);
    BOOST_TEST(testing::relative_error(step.gradient, f->gradient(x)) <= 1e-12);
    BOOST_TEST(oracle.calls() == static_cast<std::uint64_t>(step.search.evaluations));
    BOOST_TEST(oracle.values() == 0u);
  }
}

BOOST_AUTO_TEST_CASE(backtracking_returns_the_first_armijo_point) {
  for (auto& [name, phi] : more_thuente_functions()) {
    const double f0 = phi.f(0.0), d0 = phi.df(0.0);
    for (const double alpha0 : {1e-2, 1.0, 100.0}) {
      LineSearchOptions o;
      o.rho = 0.3;
      const LineSearchResult r = backtracking_armijo(phi, f0, d0, alpha0, o);
      BOOST_TEST(r.success);
      const double j = std::round(std::log(r.alpha / alpha0) / std::log(o.rho));
      BOOST_TEST(std::abs(r.alpha - alpha0 * std::pow(o.rho, j)) <= 1e-12 * r.alpha, name);
      BOOST_TEST(phi.f(r.alpha) <= f0 + o.c1 * r.alpha * d0);
      if (j >= 1) BOOST_TEST(!(phi.f(r.alpha / o.rho) <= f0 + o.c1 * (r.alpha / o.rho) * d0), name);
      BOOST_TEST(r.evaluations == static_cast<int>(j) + 1);
    }
  }
  // A budget too small: α = 0, no success.
  ClosedForm steep([](double a) { return -a + 1e6 * a * a; }, [](double a) { return -1.0 + 2e6 * a; });
  LineSearchOptions tight;
  tight.max_evaluations = 3;
  const LineSearchResult r = backtracking_armijo(steep, 0.0, -1.0, 1.0, tight);
  BOOST_TEST(!r.success);
  BOOST_TEST(r.alpha == 0.0);
}

BOOST_AUTO_TEST_CASE(exact_quadratic_is_the_exact_minimiser) {
  ObjectivePtr f = make_objective("quadratic:dim=7,kappa=50,rotate=true,shift=1,seed=4");
  const Mat A = dynamic_cast<const Quadratic&>(*f).matrix();
  const Vec theta = testing::random_point(7, 3);
  const Vec g = f->gradient(theta);
  const Vec p = -g + 0.3 * testing::random_point(7, 8);
  BOOST_REQUIRE(g.dot(p) < 0.0);
  ObjectiveOracle oracle(*f);
  OracleLine line(oracle, theta, p);
  LineSearchOptions o;
  o.kind = LineSearchKind::exact_quadratic;
  const LineSearchResult r = line_search(line, f->value(theta), g.dot(p), 1.0, o);
  const double expected = -g.dot(p) / p.dot(A * p);
  BOOST_TEST(std::abs(r.alpha - expected) <= 1e-13 * expected);
  BOOST_TEST(std::abs(f->gradient(theta + r.alpha * p).dot(p)) <= 1e-12 * std::abs(g.dot(p)));
  BOOST_TEST(oracle.hvps() == 1u);
  BOOST_TEST(oracle.calls() == 1u);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  ClosedForm up([](double a) { return a; }, [](double) { return 1.0; });
  BOOST_CHECK_THROW(strong_wolfe(up, 0.0, 1.0, 1.0, {}), std::invalid_argument);
  BOOST_CHECK_THROW(backtracking_armijo(up, 0.0, -1.0, 0.0, {}), std::invalid_argument);
}
