#include "optdyn/flows/flow.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/linalg/operator.hpp"

namespace optdyn {

void Flow::check_parameters(const Vec& theta0) const {
  if (theta0.size() != dim())
    throw InputError("flow '" + spec() + "': initial point has " + std::to_string(theta0.size()) +
                     " entries, the objective has dimension " + std::to_string(dim()));
}

Vec Flow::initial_state(const Vec& theta0) const {
  check_parameters(theta0);
  Vec z = Vec::Zero(state_dim());
  z.head(dim()) = theta0;
  return z;
}

// Forward difference along v: J v ≈ (F(z + εv) − F(z))/ε, with ε = √u·(1 + ‖z‖)/‖v‖
// (u = unit roundoff): the usual Jacobian-free Newton–Krylov choice (Knoll & Keyes 2004, §2.2).
void Flow::jacobian_vector(const Vec& z, double t, const Vec& v, Vec& Jv) const {
  const double vnorm = v.norm();
  if (vnorm == 0.0) {
    Jv.setZero(z.size());
    return;
  }
  const double eps = std::sqrt(std::numeric_limits<double>::epsilon()) * (1.0 + z.norm()) / vnorm;
  Vec f0, f1;
  derivative(z, f0, t);
  derivative(z + eps * v, f1, t);
  Jv = (f1 - f0) / eps;
}

Vec Flow::start_state(const Vec& theta0) const {
  Vec z = initial_state(theta0);
  if (!z.allFinite())
    throw InputError("x0: flow '" + spec() + "': the initial state is not finite at this point (the gradient at x0 overflows)");
  return z;
}

Mat Flow::jacobian(const Vec& z, double t) const {
  return dense_from_products([&](const Vec& e, Vec& column) { jacobian_vector(z, t, e, column); }, z.size());
}

// ∂F/∂t by a central difference with step √u·(1 + |t|) (never crossing below t = 0 for
// fields singular there: then a forward difference).
Vec Flow::time_derivative(const Vec& z, double t) const {
  if (autonomous()) return Vec::Zero(z.size());
  const double h = std::sqrt(std::numeric_limits<double>::epsilon()) * (1.0 + std::abs(t));
  Vec fp, fm;
  derivative(z, fp, t + h);
  if (t - h > start_time() * 0.5) {
    derivative(z, fm, t - h);
    return (fp - fm) / (2.0 * h);
  }
  derivative(z, fm, t);
  return (fp - fm) / h;
}

void Flow::diffusion_times(const Vec&, double, const Vec&, Vec&) const {
  throw std::logic_error("flow '" + spec() + "' is an ODE: it has no diffusion");
}

}  // namespace optdyn
