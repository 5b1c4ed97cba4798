// ∇³F[u, v] = d/dε ∇²F(θ + εv)u as the fourth-order central difference of exact HVPs
// (Richardson's combination of the steps ε and 2ε; doc/references.md, "Central flows").
#include "optdyn/objectives/third_derivative.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace optdyn {

double third_derivative_step(const Vec& theta, const Vec& v) {
  const double norm = v.norm();
  if (!(norm > 0.0)) throw std::invalid_argument("third_derivative: the direction v is zero");
  // ε = ε_mach^{1/5}·(1 + ‖θ‖_∞)/‖v‖ (balances truncation ε⁴ against rounding ε_mach/ε)
  const double scale = 1.0 + (theta.size() > 0 ? theta.cwiseAbs().maxCoeff() : 0.0);
  return std::pow(std::numeric_limits<double>::epsilon(), 0.2) * scale / norm;
}

Mat third_derivatives(const Objective& f, const Vec& theta, const Mat& us, const Vec& v) {
  const double eps = third_derivative_step(theta, v);
  // weights of H(θ + mεv)u for m = 1, −1, 2, −2 in [8(H₁ − H₋₁) − (H₂ − H₋₂)]/(12ε)
  const double offsets[4] = {1.0, -1.0, 2.0, -2.0};
  const double weights[4] = {8.0, -8.0, -1.0, 1.0};
  Mat out = Mat::Zero(theta.size(), us.cols());
  Vec hu;
  for (int m = 0; m < 4; ++m) {
    const BoundCurvature h = f.bind(theta + (offsets[m] * eps) * v);
    for (Index i = 0; i < us.cols(); ++i) {
      h.apply(us.col(i), hu);
      out.col(i) += (weights[m] / (12.0 * eps)) * hu;
    }
  }
  return out;
}

Vec third_derivative(const Objective& f, const Vec& theta, const Vec& u, const Vec& v) {
  return third_derivatives(f, theta, u, v).col(0);
}

}  // namespace optdyn
