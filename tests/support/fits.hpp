#pragma once
// Least-squares fits for order-of-convergence tests (error ∝ h^p ⇒ log error = p log h + c).
#include <cmath>
#include <cstddef>
#include <vector>

namespace optdyn::testing {

// Least-squares slope of log y against log x (x, y > 0, same size ≥ 2).
inline double loglog_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace optdyn::testing
