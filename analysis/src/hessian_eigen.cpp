#include "optdyn/analysis/hessian_eigen.hpp"

#include "optdyn/linalg/krylov_schur.hpp"

#include <Spectra/SymEigsSolver.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <stdexcept>
#include <string>

namespace optdyn::analysis {

SpectrumEnd parse_spectrum_end(const std::string& text) {
  if (text == "largest") return SpectrumEnd::largest;
  if (text == "smallest") return SpectrumEnd::smallest;
  if (text == "both") return SpectrumEnd::both;
  throw std::invalid_argument("unknown end '" + text + "' (known: largest, smallest, both)");
}

EigenMethod parse_dense_choice(const std::string& text) {
  if (text == "auto") return EigenMethod::automatic;
  if (text == "always") return EigenMethod::dense;
  if (text == "never") return EigenMethod::lanczos;
  throw std::invalid_argument("unknown choice '" + text + "' (known: auto, always, never)");
}

KrylovSolver parse_krylov_solver(const std::string& text) {
  if (text == "krylov_schur") return KrylovSolver::krylov_schur;
  if (text == "spectra") return KrylovSolver::spectra;
  throw std::invalid_argument("unknown solver '" + text + "' (known: krylov_schur, spectra)");
}

std::string krylov_solver_name(KrylovSolver solver) {
  return solver == KrylovSolver::krylov_schur ? "krylov_schur" : "spectra";
}

Index default_ncv(Index k, Index dim) { return std::min(std::max<Index>(2 * k + 1, 20), dim); }

Index lanczos_ncv(const EigenOptions& o, Index d) {
  if (o.k < 1) throw std::invalid_argument("k must be at least 1");
  // Krylov–Schur solves both ends in one space: 2k wanted pairs.
  const bool one_space = o.solver == KrylovSolver::krylov_schur && o.which == SpectrumEnd::both;
  const Index wanted = one_space ? 2 * o.k : o.k;
  if (wanted >= d)
    throw std::invalid_argument("k = " + std::to_string(o.k) + (one_space ? " per end" : "") +
                                " must be below the dimension " + std::to_string(d) + " for Lanczos");
  const Index ncv = o.ncv > 0 ? o.ncv
                    : o.solver == KrylovSolver::krylov_schur ? krylov_schur_default_ncv(wanted, d)
                                                              : default_ncv(o.k, d);
  if (ncv <= wanted || ncv > d)
    throw std::invalid_argument("ncv = " + std::to_string(ncv) + " must satisfy k < ncv <= D (k = " +
                                std::to_string(wanted) + (one_space ? " pairs for both ends" : "") +
                                ", D = " + std::to_string(d) + ")");
  return ncv;
}

Vec dense_eigenvalues(const Mat& symmetric) {
  Eigen::SelfAdjointEigenSolver<Mat> solver(symmetric, Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) throw std::runtime_error("dense_eigenvalues: QL iteration did not converge");
  return solver.eigenvalues();
}

namespace {

// Spectra's operator concept (Scalar, rows(), cols(), perform_op(const Scalar* x, Scalar* y)) over
// linalg's operator: x is copied into a vector, A x is applied (counted) and copied out. Spectra's
// solver also keeps a non-const OpType&; this adaptor gives it one over a const operator.
struct SpectraOp {
  using Scalar = double;
  explicit SpectraOp(const SymmetricOperator& a) : op(a) {}
  const SymmetricOperator& op;
  mutable Vec x, y;
  Index rows() const { return op.rows(); }
  Index cols() const { return op.rows(); }
  void perform_op(const Scalar* x_in, Scalar* y_out) const {
    x = Eigen::Map<const Vec>(x_in, op.rows());
    op.apply(x, y);
    Eigen::Map<Vec>(y_out, op.rows()) = y;
  }
};
using Solver = Spectra::SymEigsSolver<SpectraOp>;

struct Solve {
  Vec values;  // of the operator solved on, in Spectra's order (LargestAlge: descending)
  Mat vectors;
  bool converged = false;
  Index iterations = 0;
};

Solve lanczos(const SymmetricOperator& op, Index k, Index ncv, Index maxit, double tol) {
  SpectraOp adapter{op};
  Solver solver(adapter, k, ncv);
  solver.init();
  const Index nconv = solver.compute(Spectra::SortRule::LargestAlge, maxit, tol, Spectra::SortRule::LargestAlge);
  Solve s;
  s.iterations = solver.num_iterations();
  s.converged = solver.info() == Spectra::CompInfo::Successful && nconv >= k;
  s.values = solver.eigenvalues();
  s.vectors = solver.eigenvectors();
  return s;
}

void append(EigenResult& r, const Vec& values, const Mat& vectors, const std::vector<Index>& ranks) {
  const Index old = r.eigenvalues.size(), add = values.size();
  r.eigenvalues.conservativeResize(old + add);
  r.eigenvalues.tail(add) = values;
  Mat v(vectors.rows(), old + add);
  if (old > 0) v.leftCols(old) = r.eigenvectors;
  v.rightCols(add) = vectors;
  r.eigenvectors.swap(v);
  r.ranks.insert(r.ranks.end(), ranks.begin(), ranks.end());
}

void compute_residuals(const SymmetricOperator& op, EigenResult& r) {
  const Index n = r.eigenvalues.size();
  r.residuals.resize(n);
  Vec av(op.rows());
  for (Index i = 0; i < n; ++i) {
    const Vec v = r.eigenvectors.col(i);
    op.apply(v, av);
    r.residuals[i] = (av - r.eigenvalues[i] * v).norm();
  }
}

// One Krylov–Schur solve for the wanted ends. Only the pairs whose true residual passed are
// kept (as with Spectra, whose eigenvalues() are the converged ones), in the order of rank.
void solve_krylov_schur(const SymmetricOperator& op, const EigenOptions& o, Index ncv, EigenResult& r) {
  const Index d = op.rows();
  KrylovSchurOptions ko;
  ko.largest = o.which != SpectrumEnd::smallest ? o.k : 0;
  ko.smallest = o.which != SpectrumEnd::largest ? o.k : 0;
  ko.ncv = ncv;
  ko.tol = o.tol;
  ko.max_restarts = o.max_iterations;
  ko.seed = o.seed;
  const KrylovSchurResult ks = krylov_schur(op, ko);
  r.converged = ks.converged;
  r.iterations = ks.restarts;
  r.residual_source = ks.stored_products ? "stored_products" : "fresh_products";
  auto keep = [&](Index from, Index count, bool largest) {
    std::vector<Index> cols, ranks;
    for (Index i = 0; i < count; ++i) {
      if (!ks.pair_converged[from + i]) break;
      cols.push_back(from + i);
      ranks.push_back(largest ? d - i : i + 1);
    }
    Vec values(cols.size()), residuals(cols.size());
    Mat vectors(d, static_cast<Index>(cols.size()));
    for (std::size_t c = 0; c < cols.size(); ++c) {
      values[c] = ks.eigenvalues[cols[c]];
      residuals[c] = ks.residuals[cols[c]];
      vectors.col(c) = ks.eigenvectors.col(cols[c]);
    }
    append(r, values, vectors, ranks);
    const Index old = r.residuals.size();
    r.residuals.conservativeResize(old + residuals.size());
    r.residuals.tail(residuals.size()) = residuals;
  };
  keep(0, ko.largest, true);
  keep(ko.largest, ko.smallest, false);
}

}  // namespace

EigenResult extreme_eigenpairs(const SymmetricOperator& op, const EigenOptions& o) {
  const Index d = op.rows();
  const std::uint64_t products_before = op.products();
  const bool dense = o.method == EigenMethod::dense || (o.method == EigenMethod::automatic && d <= o.dense_threshold);
  const bool want_large = o.which != SpectrumEnd::smallest, want_small = o.which != SpectrumEnd::largest;
  if (o.k < 1) throw std::invalid_argument("k must be at least 1");
  if (!(o.tol > 0.0)) throw std::invalid_argument("tol must be positive");
  EigenResult r;

  if (dense) {
    if (o.k > d) throw std::invalid_argument("k = " + std::to_string(o.k) + " exceeds the dimension " + std::to_string(d));
    r.method = "dense";
    Eigen::SelfAdjointEigenSolver<Mat> solver(symmetric_part(op.dense()));
    if (solver.info() != Eigen::Success) throw std::runtime_error("extreme_eigenpairs: dense QL iteration did not converge");
    const Vec& all = solver.eigenvalues();  // ascending
    const Mat& vec = solver.eigenvectors();
    r.spectrum = all;
    if (want_large) {
      Vec vals(o.k);
      Mat vecs(d, o.k);
      std::vector<Index> ranks;
      for (Index i = 0; i < o.k; ++i) {
        vals[i] = all[d - 1 - i];
        vecs.col(i) = vec.col(d - 1 - i);
        ranks.push_back(d - i);
      }
      append(r, vals, vecs, ranks);
    }
    if (want_small) {
      std::vector<Index> ranks;
      for (Index i = 0; i < o.k; ++i) ranks.push_back(i + 1);
      append(r, all.head(o.k), vec.leftCols(o.k), ranks);
    }
    r.converged = true;
  } else {
    const Index ncv = lanczos_ncv(o, d);
    r.method = "lanczos";
    r.solver = krylov_solver_name(o.solver);
    r.ncv = ncv;
    if (o.solver == KrylovSolver::krylov_schur) {
      solve_krylov_schur(op, o, ncv, r);
      r.products = op.products() - products_before;
      return r;
    }
    r.converged = true;
    double lambda_max_estimate = 0.0;
    bool have_estimate = false;
    if (want_large) {
      Solve s = lanczos(op, o.k, ncv, o.max_iterations, o.tol);
      r.iterations += s.iterations;
      r.converged = r.converged && s.converged;
      std::vector<Index> ranks;
      for (Index i = 0; i < s.values.size(); ++i) ranks.push_back(d - i);
      append(r, s.values, s.vectors, ranks);
      if (s.values.size() > 0) {
        lambda_max_estimate = s.values[0];
        have_estimate = true;
      }
    }
    if (want_small) {
      Solve s;
      if (o.shift_smallest) {
        if (!have_estimate) {
          // A loose estimate suffices: σ only sets the scale of the convergence test.
          Solve e = lanczos(op, 1, std::min<Index>(20, d), o.max_iterations, 1e-3);
          r.iterations += e.iterations;
          lambda_max_estimate = e.values.size() > 0 ? e.values[0] : 0.0;
        }
        r.shift = lambda_max_estimate;
        ShiftedOperator shifted(op, r.shift, -1.0);  // σ I − A
        s = lanczos(shifted, o.k, ncv, o.max_iterations, o.tol);
        s.values = (r.shift - s.values.array()).matrix();  // back to A's eigenvalues, ascending
      } else {
        SpectraOp adapter{op};
        Solver solver(adapter, o.k, ncv);
        solver.init();
        const Index nconv = solver.compute(Spectra::SortRule::SmallestAlge, o.max_iterations, o.tol,
                                           Spectra::SortRule::SmallestAlge);
        s.iterations = solver.num_iterations();
        s.converged = solver.info() == Spectra::CompInfo::Successful && nconv >= o.k;
        s.values = solver.eigenvalues();
        s.vectors = solver.eigenvectors();
      }
      r.iterations += s.iterations;
      r.converged = r.converged && s.converged;
      std::vector<Index> ranks;
      for (Index i = 0; i < s.values.size(); ++i) ranks.push_back(i + 1);
      append(r, s.values, s.vectors, ranks);
    }
  }
  compute_residuals(op, r);
  r.residual_source = "fresh_products";  // dense and Spectra: one product per pair after the solve
  r.products = op.products() - products_before;
  return r;
}

}  // namespace optdyn::analysis
