// Matrix-free Krylov solvers (see krylov.hpp for the contract). Each solver applies A only
// through the LinearOperator and keeps O(1) (CG, MINRES) or O(restart) (GMRES) vectors.
#include "optdyn/linalg/krylov.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace optdyn {
namespace {

// Start: x = 0 (r = b, no product) or the caller's guess (r = b − Ax, one product).
Vec initial_residual(const LinearOperator& A, const Vec& b, Vec& x, const KrylovOptions& o, KrylovResult& result) {
  if (!o.use_initial_guess || x.size() != b.size()) {
    if (o.use_initial_guess) throw std::invalid_argument("krylov: initial guess has the wrong length");
    x.setZero(b.size());
    return b;
  }
  Vec Ax;
  A.apply(x, Ax);
  ++result.products;
  return b - Ax;
}

void check_options(const KrylovOptions& o) {
  if (!(o.tol >= 0.0) || o.max_iterations < 1 || o.restart < 1)
    throw std::invalid_argument("krylov: need tol >= 0, max_iterations >= 1, restart >= 1");
}

}  // namespace

// Conjugate gradients (Nocedal & Wright, Alg. 5.2): with residual r = b − Ax and direction p,
//   α = rᵀr / pᵀAp,  x ← x + αp,  r ← r − αAp,  β = r₊ᵀr₊ / rᵀr,  p ← r₊ + βp.
// On pᵀAp ≤ 0 (A not positive definite along p) stop; if that happens on the very first
// direction from x = 0, return x = b (the steepest-descent direction: Alg. 7.1's rule).
KrylovResult conjugate_gradient(const SymmetricOperator& A, const Vec& b, Vec& x, const KrylovOptions& o) {
  check_options(o);
  KrylovResult result;
  Vec r = initial_residual(A, b, x, o, result);
  const double target = o.tol * b.norm();
  double rr = r.squaredNorm();
  Vec p = r, Ap;
  bool first = !o.use_initial_guess;
  while (std::sqrt(rr) > target && result.products < static_cast<std::uint64_t>(o.max_iterations)) {
    A.apply(p, Ap);
    ++result.products;
    const double pAp = p.dot(Ap);
    if (!(pAp > 0.0)) {
      result.negative_curvature = true;
      if (first) x = b;
      result.relative_residual = std::sqrt(rr) / std::max(b.norm(), std::numeric_limits<double>::min());
      return result;
    }
    first = false;
    const double alpha = rr / pAp;
    x.noalias() += alpha * p;
    r.noalias() -= alpha * Ap;
    const double rr_next = r.squaredNorm();
    p = r + (rr_next / rr) * p;
    rr = rr_next;
  }
  const double bnorm = b.norm();
  result.relative_residual = bnorm > 0.0 ? std::sqrt(rr) / bnorm : 0.0;
  result.converged = std::sqrt(rr) <= target;
  return result;
}

// MINRES (Paige & Saunders 1975), unpreconditioned, in the form of their Fortran code (also
// SciPy's minres): Lanczos tridiagonalisation v₁, v₂, … of A with β₁ = ‖r₀‖; the QR
// factorisation of the tridiagonal by Givens rotations (c, s) gives x_k minimising ‖b − Ax‖
// over the Krylov space, and |φ̄_k| = ‖r_k‖ without forming r. Works for indefinite A.
KrylovResult minres(const SymmetricOperator& A, const Vec& b, Vec& x, const KrylovOptions& o) {
  check_options(o);
  KrylovResult result;
  Vec r1 = initial_residual(A, b, x, o, result);
  const double bnorm = b.norm();
  const double target = o.tol * bnorm;
  const double beta1 = r1.norm();
  if (beta1 <= target) {
    result.converged = true;
    result.relative_residual = bnorm > 0.0 ? beta1 / bnorm : 0.0;
    return result;
  }
  const Index n = b.size();
  Vec r2 = r1, v(n), y(n), w = Vec::Zero(n), w1(n), w2 = Vec::Zero(n);
  double beta = beta1, oldb = 0.0, dbar = 0.0, epsln = 0.0, phibar = beta1, cs = -1.0, sn = 0.0;
  const double tiny = std::numeric_limits<double>::epsilon();
  for (Index k = 1; result.products < static_cast<std::uint64_t>(o.max_iterations); ++k) {
    // Lanczos step: β_{k+1} v_{k+1} = A v_k − α_k v_k − β_k v_{k−1}.
    v = r2 / beta;
    A.apply(v, y);
    ++result.products;
    if (k >= 2) y.noalias() -= (beta / oldb) * r1;
    const double alpha = v.dot(y);
    y.noalias() -= (alpha / beta) * r2;
    r1.swap(r2);
    r2.swap(y);
    oldb = beta;
    beta = r2.norm();
    // Apply the previous rotation, then the new one that annihilates β_{k+1}.
    const double oldeps = epsln;
    const double delta = cs * dbar + sn * alpha;
    const double gbar = sn * dbar - cs * alpha;
    epsln = sn * beta;
    dbar = -cs * beta;
    const double gamma = std::max(std::hypot(gbar, beta), tiny);
    cs = gbar / gamma;
    sn = beta / gamma;
    const double phi = cs * phibar;
    phibar = sn * phibar;
    // Search direction w_k = (v_k − ε_k w_{k−2} − δ_k w_{k−1}) / γ_k; x ← x + φ_k w_k.
    w1.swap(w2);
    w2.swap(w);
    w = (v - oldeps * w1 - delta * w2) / gamma;
    x.noalias() += phi * w;
    if (std::abs(phibar) <= target || beta <= tiny * beta1) break;  // converged or Krylov space exhausted
  }
  result.relative_residual = bnorm > 0.0 ? std::abs(phibar) / bnorm : 0.0;
  result.converged = std::abs(phibar) <= target;
  if (!result.converged && beta <= tiny * beta1) {
    // Invariant subspace reached: the recurrence residual is exact; check it directly.
    Vec Ax;
    A.apply(x, Ax);
    ++result.products;
    result.relative_residual = (b - Ax).norm() / bnorm;
    result.converged = result.relative_residual <= o.tol;
  }
  return result;
}

// Restarted GMRES(m) (Saad & Schultz 1986): Arnoldi with modified Gram–Schmidt builds
// A V_j = V_{j+1} H̄_j; Givens rotations reduce H̄_j to triangular form, so the least-squares
// residual min ‖β e₁ − H̄_j y‖ = |g_{j+1}| is known at every step; x ← x + V_j y on exit.
KrylovResult gmres(const LinearOperator& A, const Vec& b, Vec& x, const KrylovOptions& o) {
  check_options(o);
  KrylovResult result;
  const Index n = b.size();
  const double bnorm = b.norm();
  const double target = o.tol * bnorm;
  const Index m = std::min<Index>(o.restart, std::max<Index>(n, 1));
  Vec r = initial_residual(A, b, x, o, result);
  Mat V(n, m + 1), H = Mat::Zero(m + 1, m);
  Vec g(m + 1), cs(m), sn(m), w;
  double residual = r.norm();
  while (residual > target && result.products < static_cast<std::uint64_t>(o.max_iterations)) {
    V.col(0) = r / residual;
    g.setZero();
    g[0] = residual;
    H.setZero();
    Index k = 0;
    bool breakdown = false;
    while (k < m && result.products < static_cast<std::uint64_t>(o.max_iterations)) {
      A.apply(V.col(k), w);
      ++result.products;
      for (Index i = 0; i <= k; ++i) {
        H(i, k) = w.dot(V.col(i));
        w.noalias() -= H(i, k) * V.col(i);
      }
      const double h_next = w.norm();
      H(k + 1, k) = h_next;
      for (Index i = 0; i < k; ++i) {  // previous rotations
        const double t = cs[i] * H(i, k) + sn[i] * H(i + 1, k);
        H(i + 1, k) = -sn[i] * H(i, k) + cs[i] * H(i + 1, k);
        H(i, k) = t;
      }
      const double d = std::hypot(H(k, k), H(k + 1, k));
      cs[k] = d > 0.0 ? H(k, k) / d : 1.0;
      sn[k] = d > 0.0 ? H(k + 1, k) / d : 0.0;
      H(k, k) = d;
      H(k + 1, k) = 0.0;
      g[k + 1] = -sn[k] * g[k];
      g[k] = cs[k] * g[k];
      ++k;
      residual = std::abs(g[k]);
      breakdown = h_next <= std::numeric_limits<double>::epsilon() * bnorm;
      if (residual <= target || breakdown) break;
      V.col(k) = w / h_next;
    }
    const Vec y = H.topLeftCorner(k, k).triangularView<Eigen::Upper>().solve(g.head(k));
    x.noalias() += V.leftCols(k) * y;
    if (residual <= target || breakdown || result.products >= static_cast<std::uint64_t>(o.max_iterations)) break;
    Vec Ax;  // restart from the true residual
    A.apply(x, Ax);
    ++result.products;
    r = b - Ax;
    residual = r.norm();
  }
  result.relative_residual = bnorm > 0.0 ? residual / bnorm : 0.0;
  result.converged = residual <= target;
  return result;
}

}  // namespace optdyn
