#pragma once
// The small semidefinite complementarity problem of the central flow (Cohen, Damian et al.,
// ICLR 2025, "Understanding Optimization in Deep Learning with Central Flows", §3 and App. B;
// doc/references.md, "Central flows"):
//
//   find X ∈ Sym(k):   X ⪰ 0,   R(X) = C + 𝒢(X) ⪰ 0,   ⟨X, R(X)⟩ = 0,
//
// where C ∈ Sym(k) and 𝒢 is a positive semidefinite linear map on Sym(k) given by its k²×k²
// matrix G on vec(X) (column-major; G[(i,j),(k,l)] = 𝒢 applied to E_kl, entry (i,j)).
// Because 𝒢 ⪰ 0 these are exactly the KKT conditions of the convex problem
//
//   min_{X ⪰ 0}  q(X) = ½⟨X, 𝒢X⟩ + ⟨C, X⟩        (∇q = R, optimality: 0 ⪯ X ⟂ R(X) ⪰ 0),
//
// which we solve by accelerated projected gradient (FISTA, Beck & Teboulle 2009) with step 1/L,
// L = λmax(G), the projection onto the PSD cone being "clip the negative eigenvalues". k is the
// number of critical Hessian eigenvalues (a handful), so every iteration is a k×k eigensolve.
// Stopping: the natural residual ‖X − Π(X − R(X)/L)‖_F ≤ tol·(1 + ‖X‖_F), or max_iterations.
// When 𝒢 is singular the minimiser need not be unique; FISTA then returns one minimiser.
#include "optdyn/core/types.hpp"

namespace optdyn {

struct PsdComplementarityResult {
  Mat x;                   // the solution X (symmetric, ⪰ 0)
  double residual = 0.0;   // the final natural residual ‖X − Π(X − R(X)/L)‖_F (0 when G = 0)
  Index iterations = 0;
  bool converged = false;
};

// Π: the nearest PSD matrix in Frobenius norm (eigenvalues clipped at 0) of the symmetric part.
Mat project_psd(const Mat& symmetric);

// R(X) = C + 𝒢(X) for G the k²×k² matrix above.
Mat complementarity_residual(const Mat& c, const Mat& g, const Mat& x);

// q(X) = ½⟨X, 𝒢X⟩ + ⟨C, X⟩.
double complementarity_objective(const Mat& c, const Mat& g, const Mat& x);

// Solves the problem above. C must be k×k symmetric, G k²×k² symmetric ⪰ 0 (std::invalid_argument
// on a size mismatch). k = 1 is the closed form x = max(0, −c/g) (x = 0 when c ≥ 0; when g = 0 and c < 0 the
// problem is unbounded: std::domain_error, as for k > 1 without convergence and a growing X).
PsdComplementarityResult solve_psd_complementarity(const Mat& c, const Mat& g, double tol = 1e-12,
                                                   Index max_iterations = 100000);

}  // namespace optdyn
