#include "optdyn/analysis/critical_points/network_symmetry.hpp"

#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/mlp_symmetry.hpp"
#include "optdyn/objectives/spherical_pspin.hpp"

namespace optdyn::analysis {
namespace {

// σ or −σ, whichever has its first nonzero coordinate positive.
Vec positive_leading_sign(const Vec& sigma) {
  for (Index i = 0; i < sigma.size(); ++i)
    if (sigma[i] != 0.0) return sigma[i] > 0.0 ? sigma : Vec(-sigma);
  return sigma;
}

}  // namespace

Vec canonical_point(const Objective& f, const Vec& theta) {
  if (theta.size() != f.dim())
    throw InputError("critical points: θ has length " + std::to_string(theta.size()) + ", objective '" + f.spec() +
                     "' has dimension " + std::to_string(f.dim()));
  if (const auto* mlp = dynamic_cast<const Mlp*>(&f))
    return canonical_mlp_parameters(mlp->layout(), mlp->architecture().activation, theta);
  if (const auto* pspin = dynamic_cast<const SphericalPSpin*>(&f))
    return pspin->p() % 2 == 0 ? positive_leading_sign(theta) : theta;
  return theta;
}

}  // namespace optdyn::analysis
