#pragma once
// The benchmarks' "top-10 eigenpairs" setting (README, "Performance"): the 10 largest Hessian
// eigenpairs by Lanczos to relative residual 1e-7 with 21 Krylov vectors, shared by
// spectrum_bench, threads_bench and ranks_bench so that their rows measure the same work.
#include "optdyn/analysis/hessian_eigen.hpp"

namespace optdyn {

inline analysis::EigenOptions top10_eigen_options(analysis::KrylovSolver solver = analysis::KrylovSolver::krylov_schur) {
  analysis::EigenOptions o;
  o.k = 10;
  o.which = analysis::SpectrumEnd::largest;
  o.tol = 1e-7;
  o.ncv = 21;
  o.method = analysis::EigenMethod::lanczos;
  o.solver = solver;
  return o;
}

}  // namespace optdyn
