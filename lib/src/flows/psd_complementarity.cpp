// The central flow's semidefinite complementarity problem 0 ⪯ X ⟂ C + 𝒢(X) ⪰ 0, solved as the
// convex problem min_{X⪰0} ½⟨X,𝒢X⟩ + ⟨C,X⟩ by FISTA (Beck & Teboulle 2009) with the PSD
// projection; doc/references.md, "Central flows" (the contract is in psd_complementarity.hpp).
#include "optdyn/flows/psd_complementarity.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <stdexcept>

namespace optdyn {
namespace {

// vec(X) column-major, and back.
Vec vec_of(const Mat& x) { return Eigen::Map<const Vec>(x.data(), x.size()); }
Mat mat_of(const Vec& v, Index k) { return Eigen::Map<const Mat>(v.data(), k, k); }

void check_sizes(const Mat& c, const Mat& g) {
  if (c.rows() != c.cols() || g.rows() != c.size() || g.cols() != c.size())
    throw std::invalid_argument("psd complementarity: C must be k×k and G k²×k²");
}

}  // namespace

Mat project_psd(const Mat& symmetric) {
  const Mat s = 0.5 * (symmetric + symmetric.transpose());
  Eigen::SelfAdjointEigenSolver<Mat> eig(s);
  // Π(S) = V max(Λ, 0) Vᵀ (the Frobenius-nearest PSD matrix, Higham 1988).
  const Vec clipped = eig.eigenvalues().cwiseMax(0.0);
  Mat p = eig.eigenvectors() * clipped.asDiagonal() * eig.eigenvectors().transpose();
  return 0.5 * (p + p.transpose());
}

Mat complementarity_residual(const Mat& c, const Mat& g, const Mat& x) {
  check_sizes(c, g);
  return c + mat_of(g * vec_of(x), c.rows());  // R(X) = C + 𝒢(X)
}

double complementarity_objective(const Mat& c, const Mat& g, const Mat& x) {
  check_sizes(c, g);
  const Vec v = vec_of(x);
  return 0.5 * v.dot(g * v) + vec_of(c).dot(v);  // q(X) = ½⟨X,𝒢X⟩ + ⟨C,X⟩
}

PsdComplementarityResult solve_psd_complementarity(const Mat& c, const Mat& g, double tol, Index max_iterations) {
  check_sizes(c, g);
  const Index k = c.rows();
  PsdComplementarityResult out;
  if (k == 1) {  // x = max(0, −c/g): the single-eigenvalue closed form
    const double cc = c(0, 0), gg = g(0, 0);
    out.x = Mat::Zero(1, 1);
    out.converged = cc >= 0.0 || gg > 0.0;
    if (cc < 0.0 && gg > 0.0) out.x(0, 0) = -cc / gg;
    return out;
  }
  const Mat gs = 0.5 * (g + g.transpose());
  const double lipschitz = Eigen::SelfAdjointEigenSolver<Mat>(gs, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
  out.x = Mat::Zero(k, k);
  if (!(lipschitz > 0.0)) {  // 𝒢 = 0: X = 0 solves it iff C ⪰ 0
    out.converged = Eigen::SelfAdjointEigenSolver<Mat>(c, Eigen::EigenvaluesOnly).eigenvalues().minCoeff() >= 0.0;
    return out;
  }
  // FISTA: X⁺ = Π(Y − R(Y)/L), s⁺ = (1 + √(1 + 4s²))/2, Y = X⁺ + ((s − 1)/s⁺)(X⁺ − X).
  Mat x = out.x, y = x;
  double s = 1.0;
  for (Index it = 1; it <= max_iterations; ++it) {
    const Mat next = project_psd(y - complementarity_residual(c, gs, y) / lipschitz);
    const double s_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * s * s));
    y = next + ((s - 1.0) / s_next) * (next - x);
    x = next;
    s = s_next;
    // natural residual at X (the KKT measure: 0 exactly at a solution)
    const double r = (x - project_psd(x - complementarity_residual(c, gs, x) / lipschitz)).norm();
    out.iterations = it;
    out.residual = r;
    if (r <= tol * (1.0 + x.norm())) {
      out.converged = true;
      break;
    }
  }
  out.x = x;
  return out;
}

}  // namespace optdyn
