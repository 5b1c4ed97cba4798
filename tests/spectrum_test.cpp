// Tests of the Hessian spectral tools (analysis/: hessian_operator, hessian_eigen,
// spectral_density, saddle_index) and of MlpCurvature. Every check is against an
// independent result: central differences, fresh unbound HVPs, Eigen's dense
// SelfAdjointEigenSolver, analytic spectral laws (semicircle, Marchenko–Pastur), lgamma.
#define BOOST_TEST_MODULE spectrum
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/analysis/saddle_index.hpp"
#include "optdyn/analysis/spectral_density.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/finite_differences.hpp"

using namespace optdyn;
using namespace optdyn::analysis;
using namespace optdyn::testing;

namespace {

// Largest |a_i − b_i| / max(|b|∞, floor).
double scaled_error(const Vec& a, const Vec& b) { return (a - b).lpNorm<Eigen::Infinity>() / std::max(b.lpNorm<Eigen::Infinity>(), 1e-300); }

// ‖A v − λ v‖ for each pair, with a fresh operator product per pair (independent of the
// solver's own residual computation).
Vec true_residuals(const Mat& a, const EigenResult& r) {
  Vec res(r.eigenvalues.size());
  for (Index i = 0; i < res.size(); ++i) {
    const Vec v = r.eigenvectors.col(i);
    res[i] = (a * v - r.eigenvalues[i] * v).norm();
  }
  return res;
}

}  // namespace

// --- the bound curvature view (Objective::bind; an Mlp's MlpCurvature kernel) ------------------

BOOST_AUTO_TEST_CASE(mlp_curvature_equals_plain_hvp_and_finite_differences) {
  for (const char* act : {"tanh", "relu", "softplus", "linear"})
    for (const char* loss : {"mse", "ce", "bce"}) {
      const std::string out = std::string(loss) == "bce" ? "1" : "3";
      const std::string targets = std::string(loss) == "mse" ? "regression" : "labels";
      const std::string spec = std::string("mlp:data=gaussian,n=30,widths=5-4-6-") + out + ",act=" + act +
                               ",loss=" + loss + ",targets=" + targets + ",l2=0.05";
      BOOST_TEST_CONTEXT(spec) {
        ObjectivePtr f = make_objective(spec);
        const auto& mlp = dynamic_cast<const Mlp&>(*f);
        const Vec theta = initial_point("init:gaussian,seed=3,bias=0.1", *f);
        BOOST_TEST(MlpCurvature(mlp, theta).value() == f->value(theta), boost::test_tools::tolerance(1e-12));
        const BoundCurvature bound = mlp.bind(theta);
        BOOST_TEST(bound.cached());
        Vec hv;
        for (std::uint64_t s = 0; s < 4; ++s) {  // several directions through ONE bound object
          const Vec v = random_point(f->dim(), 100 + s);
          bound.apply(v, hv);
          const Vec plain = f->hessian_vector(theta, v);  // fresh forward pass
          BOOST_TEST(relative_error(hv, plain) <= 1e-12);
          if (std::string(act) != "relu")  // relu: kinks make differences unreliable
            BOOST_TEST(relative_error(hv, central_difference_hvp(*f, theta, v)) <= 1e-6);
        }
        BOOST_TEST(bound.products() == 4u);
        // A minibatch binding equals the minibatch HVP.
        const std::vector<Index> batch = {3, 7, 7, 20};
        const BoundCurvature bb = mlp.bind(theta, batch);
        const Vec v = random_point(f->dim(), 7);
        Vec hb, ref;
        bb.apply(v, hb);
        f->batch_hessian_vector(theta, batch, v, ref);
        BOOST_TEST(relative_error(hb, ref) <= 1e-12);
      }
    }
}

// The bound view's products equal the unbound HVP, to rounding for an Mlp (its cached kernel runs
// the same passes) and bit for bit otherwise, and each one is counted ONCE on the objective's own
// counters, as an HVP with its samples (as batch_hessian_vector counts), and once on the view.
BOOST_AUTO_TEST_CASE(bound_view_products_equal_unbound_hvps_and_count_once) {
  struct Case {
    std::string spec;
    bool cached;
  };
  for (const Case& c : {Case{"mlp:data=gaussian,n=25,widths=4-6-3,targets=labels,l2=0.01", true},
                        Case{"deep_linear:widths=3-4-2,data=gaussian,n=12", true},
                        Case{"rosenbrock:dim=5", false}, Case{"spherical_pspin:dim=12,p=3", false},
                        Case{"quadratic:dim=7,kappa=20,seed=3", false}}) {
    BOOST_TEST_CONTEXT(c.spec) {
      ObjectivePtr f = make_objective(c.spec);
      const Index d = f->dim();
      const Vec theta = 0.5 * random_point(d, 11);
      const std::uint64_t n = static_cast<std::uint64_t>(f->num_samples());
      f->reset_counters();
      const BoundCurvature bound = f->bind(theta);
      BOOST_TEST(bound.cached() == c.cached);
      BOOST_TEST(f->counters().hvps == 0u);  // binding is not a product
      Vec bv, plain;
      for (std::uint64_t s = 0; s < 3; ++s) {
        const Vec v = random_point(d, 40 + s);
        const EvaluationCounts before = f->counters();
        bound.apply(v, bv);
        BOOST_TEST(f->counters().hvps == before.hvps + 1);
        BOOST_TEST(f->counters().samples == before.samples + n);
        BOOST_TEST(f->counters().values == before.values);
        BOOST_TEST(f->counters().gradients == before.gradients);
        f->hessian_vector(theta, v, plain);
        if (c.cached)
          BOOST_TEST(relative_error(bv, plain) <= 1e-13);
        else
          BOOST_TEST((bv.array() == plain.array()).all());  // the same evaluation, bit for bit
      }
      BOOST_TEST(bound.products() == 3u);
      BOOST_TEST(f->counters().hvps == 6u);  // 3 bound + 3 unbound, nothing counted twice
      if (n > 0) {  // a minibatch view counts the batch's samples
        const std::vector<Index> batch = {1, 4, 4};
        const BoundCurvature bb = f->bind(theta, batch);
        const Vec v = random_point(d, 77);
        const EvaluationCounts before = f->counters();
        bb.apply(v, bv);
        BOOST_TEST(f->counters().samples == before.samples + 3u);
        f->batch_hessian_vector(theta, batch, v, plain);
        BOOST_TEST(relative_error(bv, plain) <= 1e-13);
      }
      BOOST_CHECK_THROW(f->bind(Vec::Zero(d + 1)), InputError);
      BOOST_CHECK_THROW(bound.apply(Vec::Zero(d + 1), bv), InputError);
    }
  }
}

BOOST_AUTO_TEST_CASE(hessian_operator_counts_and_caches) {
  ObjectivePtr mlp = make_objective("mlp:data=gaussian,n=20,widths=4-5-2,loss=mse");
  const Vec theta = initial_point("init:gaussian,seed=1", *mlp);
  HessianOperator op(*mlp, theta);
  BOOST_TEST(op.cached());
  mlp->reset_counters();
  const Vec v = random_point(mlp->dim(), 2);
  const Vec hv = op * v;
  BOOST_TEST(op.products() == 1u);
  BOOST_TEST(mlp->counters().hvps == 1u);  // the cached product is the objective's HVP too
  BOOST_TEST(relative_error(hv, mlp->hessian_vector(theta, v)) <= 1e-12);
  const Mat h = op.dense();
  BOOST_TEST(op.products() == 1u + static_cast<std::uint64_t>(mlp->dim()));
  // dense() symmetrises, so check the raw stacked products: H e_i, unsymmetrised, must
  // already be symmetric up to rounding (an asymmetric HVP bug would show here).
  Mat raw(mlp->dim(), mlp->dim());
  for (Index i = 0; i < mlp->dim(); ++i) raw.col(i) = op * Vec(Vec::Unit(mlp->dim(), i));
  BOOST_TEST((raw - raw.transpose()).norm() <= 1e-12 * raw.norm());
  BOOST_TEST((h - raw).norm() <= 1e-12 * raw.norm());
  op.reset_products();
  // Against the objective's stacked HVPs.
  const Mat ref = mlp->hessian(theta);
  BOOST_TEST((h - ref).norm() <= 1e-12 * ref.norm());

  ObjectivePtr q = make_objective("quadratic:dim=6,kappa=10,seed=2");
  HessianOperator qop(*q, Vec::Zero(6));
  BOOST_TEST(!qop.cached());
  q->reset_counters();
  (void)(qop * Vec::Ones(6));
  BOOST_TEST(qop.products() == 1u);
  BOOST_TEST(q->counters().hvps == 1u);
  BOOST_CHECK_THROW(HessianOperator(*q, Vec::Zero(5)), std::exception);
}

// --- extreme eigenpairs --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(quadratic_with_prescribed_spectrum_dense_and_lanczos) {
  // D = 300, eigenvalues prescribed: 40 negative, 10 exact zeros, 250 positive, rotated.
  std::vector<double> eigs;
  for (int i = 0; i < 40; ++i) eigs.push_back(-3.0 + 0.05 * i);
  for (int i = 0; i < 10; ++i) eigs.push_back(0.0);
  for (int i = 0; i < 250; ++i) eigs.push_back(0.01 + 0.04 * i);
  std::string list;
  for (double e : eigs) list += (list.empty() ? "" : "/") + std::to_string(e);
  ObjectivePtr f = make_objective("quadratic:eigs=" + list + ",rotate=true,seed=4");
  const Index d = f->dim();
  BOOST_REQUIRE(d == 300);
  Vec sorted = Eigen::Map<const Vec>(eigs.data(), d);
  std::sort(sorted.begin(), sorted.end());
  // std::to_string rounds to 6 decimals: compare against the quadratic's own eigenvalues.
  Vec exact = dynamic_cast<const Quadratic&>(*f).eigenvalues();
  std::sort(exact.begin(), exact.end());
  BOOST_TEST((exact - sorted).lpNorm<Eigen::Infinity>() <= 1e-6);

  HessianOperator op(*f, Vec::Zero(d));
  const Mat a = op.dense();
  for (int path = 0; path < 3; ++path) {
    EigenOptions o;
    o.k = 6;
    o.which = SpectrumEnd::both;
    o.method = path == 0 ? EigenMethod::dense : EigenMethod::lanczos;
    o.solver = path == 2 ? KrylovSolver::spectra : KrylovSolver::krylov_schur;
    const EigenResult r = extreme_eigenpairs(op, o);
    BOOST_TEST_CONTEXT(r.method << " " << r.solver) {
      BOOST_TEST(r.converged);
      BOOST_REQUIRE(r.eigenvalues.size() == 12);
      for (Index i = 0; i < 6; ++i) {
        BOOST_TEST(std::abs(r.eigenvalues[i] - exact[d - 1 - i]) <= 1e-10 * 10.0);
        BOOST_TEST(r.ranks[i] == d - i);
        BOOST_TEST(std::abs(r.eigenvalues[6 + i] - exact[i]) <= 1e-10 * 10.0);
        BOOST_TEST(r.ranks[6 + i] == i + 1);
      }
      const Vec res = true_residuals(a, r);
      BOOST_TEST((res - r.residuals).lpNorm<Eigen::Infinity>() <= 1e-12);
      BOOST_TEST(r.residuals.maxCoeff() <= 1e-8);
    }
  }
  // Index exact: 40 negative, 10 near zero (|λ| ≤ 1e-9), 250 positive.
  const SaddleIndex s = saddle_index(dense_eigenvalues(a), 1e-9);
  BOOST_TEST(s.negative == 40.0);
  BOOST_TEST(s.near_zero == 10.0);
  BOOST_TEST(s.positive == 250.0);
  BOOST_TEST(s.index == 40.0 / 300.0);
  BOOST_TEST(s.exact);
}

BOOST_AUTO_TEST_CASE(argument_checks) {
  DenseSymmetricOperator op(Mat::Identity(30, 30));
  EigenOptions o;
  o.k = 0;
  BOOST_CHECK_THROW(extreme_eigenpairs(op, o), std::invalid_argument);
  o.k = 5;
  o.method = EigenMethod::lanczos;
  o.ncv = 5;
  BOOST_CHECK_THROW(extreme_eigenpairs(op, o), std::invalid_argument);
  o.ncv = 31;
  BOOST_CHECK_THROW(extreme_eigenpairs(op, o), std::invalid_argument);
  BOOST_TEST(default_ncv(3, 1000) == 20);
  BOOST_TEST(default_ncv(15, 1000) == 31);
  BOOST_TEST(default_ncv(15, 25) == 25);
  BOOST_CHECK_THROW(parse_spectrum_end("top"), std::invalid_argument);
  BOOST_CHECK_THROW(parse_krylov_solver("arpack"), std::invalid_argument);
  // Krylov–Schur wants 2k pairs for both ends in one space: k = 15 of D = 30 is too many, for
  // Spectra (two solves of 15) it is not.
  o.ncv = 0;
  o.k = 15;
  o.which = SpectrumEnd::both;
  BOOST_CHECK_THROW(lanczos_ncv(o, 30), std::invalid_argument);
  o.solver = KrylovSolver::spectra;
  BOOST_TEST(lanczos_ncv(o, 30) == 30);
  o.solver = KrylovSolver::krylov_schur;
  o.k = 10;
  BOOST_TEST(lanczos_ncv(o, 1000) == 41);
  BOOST_CHECK_THROW(DenseSymmetricOperator(Mat::Zero(2, 3)), std::invalid_argument);
}

// Random points of a small MLP (D = 2,050): 10 largest and 10 smallest by Lanczos equal the
// dense solver's; the index equals the dense count.
BOOST_AUTO_TEST_CASE(mlp_extremes_match_dense) {
  for (const char* spec : {"mlp:data=gaussian,n=200,widths=40-40-10,act=tanh,loss=ce,targets=labels",
                           "mlp:data=gaussian,n=200,widths=40-40-10,act=softplus,loss=mse"}) {
    BOOST_TEST_CONTEXT(spec) {
      ObjectivePtr f = make_objective(spec);
      BOOST_REQUIRE(f->dim() == 2050);
      const Vec theta = initial_point("init:gaussian,seed=11,gain=1.5", *f);
      HessianOperator op(*f, theta);
      const Mat h = op.dense();
      Eigen::SelfAdjointEigenSolver<Mat> ref(h, Eigen::EigenvaluesOnly);
      const Vec& all = ref.eigenvalues();
      const Index d = all.size();
      const double scale = all.cwiseAbs().maxCoeff();
      EigenOptions o;
      o.k = 10;
      o.which = SpectrumEnd::both;
      o.method = EigenMethod::lanczos;
      std::uint64_t products[2] = {0, 0};
      for (KrylovSolver solver : {KrylovSolver::krylov_schur, KrylovSolver::spectra}) {
        o.solver = solver;
        const EigenResult r = extreme_eigenpairs(op, o);
        BOOST_TEST_CONTEXT(r.solver) {
          BOOST_TEST(r.converged);
          BOOST_TEST_MESSAGE(spec << ": " << r.solver << " products " << r.products << ", restarts "
                                  << r.iterations << ", lambda range [" << all[0] << ", " << all[d - 1] << "]");
          BOOST_REQUIRE(r.eigenvalues.size() == 20);
          for (Index i = 0; i < 10; ++i) {
            BOOST_TEST(std::abs(r.eigenvalues[i] - all[d - 1 - i]) <= 1e-8 * std::abs(all[d - 1 - i]));
            BOOST_TEST(std::abs(r.eigenvalues[10 + i] - all[i]) <= 1e-8 * scale);
          }
          // Krylov–Schur's residuals come from its stored products; the dense matrix is independent.
          const Vec res = true_residuals(h, r);
          BOOST_TEST((res - r.residuals).lpNorm<Eigen::Infinity>() <= 1e-10 * scale);
          products[solver == KrylovSolver::spectra] = r.products;
        }
      }
      // The reason Krylov–Schur is the default (hessian_eigen.hpp): both ends from one space
      // and no residual products. Product counts are deterministic, not timings.
      BOOST_TEST(products[0] < products[1]);
      // Dense path chosen automatically at this size, and its index equals a direct count.
      EigenOptions od;
      od.k = 3;
      od.method = EigenMethod::dense;
      const EigenResult rd = extreme_eigenpairs(op, od);
      BOOST_TEST(rd.method == "dense");
      BOOST_REQUIRE(rd.spectrum.size() == d);
      BOOST_TEST(scaled_error(rd.spectrum, all) <= 1e-12);
      const double tol = 1e-8 * scale;
      Index neg = 0, zero = 0;
      for (Index i = 0; i < d; ++i) {
        if (all[i] < -tol) ++neg;
        if (std::abs(all[i]) <= tol) ++zero;
      }
      const SaddleIndex s = saddle_index(rd.spectrum, tol);
      BOOST_TEST(s.negative == static_cast<double>(neg));
      BOOST_TEST(s.near_zero == static_cast<double>(zero));
      BOOST_TEST(s.index == static_cast<double>(neg) / static_cast<double>(d));
      BOOST_TEST(neg > 0);  // a random point of a nonconvex objective is a saddle-like point
    }
  }
}

// The choice for the smallest end (hessian_eigen.hpp): shifted LargestAlge vs SmallestAlge.
BOOST_AUTO_TEST_CASE(smallest_end_shift_versus_smallest_alge) {
  ObjectivePtr f = make_objective("mlp:data=gaussian,n=200,widths=40-40-10,act=tanh,loss=ce,targets=labels");
  const Vec theta = initial_point("init:gaussian,seed=5", *f);
  HessianOperator op(*f, theta);
  EigenOptions o;
  o.k = 10;
  o.which = SpectrumEnd::smallest;
  o.method = EigenMethod::lanczos;
  o.solver = KrylovSolver::spectra;  // the shift is Spectra's option
  o.shift_smallest = true;
  const EigenResult shifted = extreme_eigenpairs(op, o);
  o.shift_smallest = false;
  const EigenResult plain = extreme_eigenpairs(op, o);
  BOOST_TEST(plain.converged);
  BOOST_TEST(plain.shift == 0.0);
  BOOST_TEST_MESSAGE("smallest 10: shifted " << shifted.products << " products (" << shifted.iterations
                                             << " restarts, converged " << shifted.converged << "); SmallestAlge "
                                             << plain.products << " products (" << plain.iterations
                                             << " restarts, converged " << plain.converged << ")");
  BOOST_TEST(shifted.converged);
  BOOST_TEST(shifted.shift > 0.0);
  // Both against the dense spectrum (Eigen's SelfAdjointEigenSolver on the stacked HVPs).
  {
    const Vec spectrum = Eigen::SelfAdjointEigenSolver<Mat>(op.dense(), Eigen::EigenvaluesOnly).eigenvalues();
    const double scale = spectrum.cwiseAbs().maxCoeff();
    for (const EigenResult* r : {&shifted, &plain}) {
      BOOST_REQUIRE(r->eigenvalues.size() == 10);
      for (Index i = 0; i < 10; ++i) {
        BOOST_TEST(r->ranks[i] == i + 1);
        BOOST_TEST(std::abs(r->eigenvalues[i] - spectrum[r->ranks[i] - 1]) <= 1e-8 * scale,
                   "pair " << i << ": " << r->eigenvalues[i] << " vs dense " << spectrum[r->ranks[i] - 1]);
      }
    }
  }
  // At a degenerate minimum: the smallest eigenvalue is ≈ 0 (1e-12, e.g. a symmetry
  // direction), the others well separated in [0.05, 1]. SmallestAlge's relative test then
  // asks for a residual ≤ tol·max(1e-12, ε^{2/3}) ≈ 4e-21, below rounding; the shifted
  // run's test is relative to σ ≈ 1. Measured: both converge (Spectra locks Ritz pairs
  // whose residual estimate underflows), with about the same number of products.
  const Index d = 600;
  Vec diag(d);
  for (Index i = 0; i < d; ++i) diag[i] = i == 0 ? 1e-12 : 0.05 + 0.95 * (i - 1) / (d - 2.0);
  Rng rng(51);
  const Mat q = Eigen::HouseholderQR<Mat>(rng.normal_matrix(d, d)).householderQ();
  DenseSymmetricOperator flat(q * diag.asDiagonal() * q.transpose());
  o.shift_smallest = true;
  o.k = 3;
  o.max_iterations = 300;
  const EigenResult fs = extreme_eigenpairs(flat, o);
  BOOST_TEST(fs.converged);
  BOOST_REQUIRE(fs.eigenvalues.size() == 3);
  BOOST_TEST(std::abs(fs.eigenvalues[0] - 1e-12) <= 1e-10);
  o.shift_smallest = false;
  const EigenResult fp = extreme_eigenpairs(flat, o);
  BOOST_TEST(fp.converged);
  // Krylov–Schur's test has the same rounding floor for its estimate and its true residual.
  o.solver = KrylovSolver::krylov_schur;
  const EigenResult fk = extreme_eigenpairs(flat, o);
  BOOST_TEST(fk.converged);
  BOOST_REQUIRE(fk.eigenvalues.size() == 3);
  BOOST_TEST(std::abs(fk.eigenvalues[0] - 1e-12) <= 1e-10);
  BOOST_TEST(std::abs(fk.eigenvalues[1] - 0.05) <= 1e-10);
  BOOST_TEST_MESSAGE("flat bottom: shifted " << fs.products << " products (" << fs.iterations
                                             << " restarts, converged " << fs.converged << ", max residual " << (fs.residuals.size() ? fs.residuals.maxCoeff() : -1.0) << ", found " << fs.eigenvalues.size() << "); SmallestAlge "
                                             << fp.products << " products (" << fp.iterations
                                             << " restarts, converged " << fp.converged << ", max residual " << (fp.residuals.size() ? fp.residuals.maxCoeff() : -1.0) << ", found " << fp.eigenvalues.size() << ")");
}

// --- spectral density and trace --------------------------------------------------------------

namespace {

// Kolmogorov–Smirnov distance between the SLQ quadrature CDF and an analytic CDF, checked
// on both sides of every node and on a fine grid.
template <class Cdf>
double ks_distance(const SpectralDensity& s, Cdf cdf) {
  std::vector<double> xs;
  for (const Vec& n : s.nodes)
    for (Index j = 0; j < n.size(); ++j) xs.push_back(n[j]);
  std::sort(xs.begin(), xs.end());
  double ks = 0.0;
  for (double x : xs) {
    ks = std::max(ks, std::abs(s.cdf(x) - cdf(x)));
    const double below = std::nextafter(x, -1e300);
    ks = std::max(ks, std::abs(s.cdf(below) - cdf(below)));
  }
  return ks;
}

}  // namespace

BOOST_AUTO_TEST_CASE(slq_goe_semicircle) {
  // GOE: A = (G + Gᵀ)/√(2D), G standard Gaussian: off-diagonal variance 1/D → semicircle on [−2, 2].
  const Index d = 1000;
  Rng rng(21);
  const Mat g = rng.normal_matrix(d, d);
  DenseSymmetricOperator op((g + g.transpose()) / std::sqrt(2.0 * static_cast<double>(d)));
  SlqOptions o;
  o.probes = 10;
  o.lanczos_steps = 80;
  Rng probes(22);
  const SpectralDensity s = spectral_density(op, o, probes);
  auto semicircle_cdf = [](double x) {
    if (x <= -2.0) return 0.0;
    if (x >= 2.0) return 1.0;
    return 0.5 + (x * std::sqrt(4.0 - x * x) / 4.0 + std::asin(x / 2.0)) / std::numbers::pi;
  };
  const double ks = ks_distance(s, semicircle_cdf);
  BOOST_TEST_MESSAGE("GOE semicircle KS distance " << ks);
  BOOST_TEST(ks <= 0.05);
  BOOST_TEST(s.products == 800u);
  // Smoothed density integrates to 1 and peaks near 1/π at 0.
  const double dx = s.grid[1] - s.grid[0];
  BOOST_TEST(s.density.sum() * dx == 1.0, boost::test_tools::tolerance(1e-12));
  // Well resolved (h ≪ s): the smoothed density's running integral Σ_{i≤k} density_i·h (the
  // CDF at the bin's upper edge) follows the semicircle CDF.
  double worst = 0.0, cum = 0.0;
  for (Index k = 0; k < s.grid.size(); ++k) {
    cum += s.density[k] * dx;
    worst = std::max(worst, std::abs(cum - semicircle_cdf(s.grid[k] + 0.5 * dx)));
  }
  BOOST_TEST_MESSAGE("GOE smoothed CDF max deviation from the semicircle: " << worst);
  BOOST_TEST(worst <= 0.05);
  // Hutchinson: tr(A) ≈ Σ a_ii; compare with the exact trace within 2% of ‖A‖_F·√2 ... the
  // GOE trace is ~N(0, 2), so check the estimate against its own error bar instead.
  const double exact = op.matrix().trace();
  BOOST_TEST(std::abs(s.trace.value - exact) <= 4.0 * s.trace.stderr_ + 1e-12);
}

BOOST_AUTO_TEST_CASE(slq_density_integrates_to_one_on_a_sparse_grid) {
  // Spectrum {1000, 0, −1000}: s = √(1e-5·2000) ≈ 0.14 while the grid spacing is ≈ 2, so a
  // point evaluation of the smoothing Gaussians integrated to ≈ 0.06. The bin average is exact.
  for (const Index points : {Index{3}, Index{7}, Index{1000}, Index{4001}}) {
    Vec diag(3);
    diag << 1000.0, 0.0, -1000.0;
    DenseSymmetricOperator op(Mat(diag.asDiagonal()));
    SlqOptions o;
    o.probes = 3;
    o.lanczos_steps = 3;
    o.grid_points = points;
    Rng probes(7);
    const SpectralDensity s = spectral_density(op, o, probes);
    const double h = s.grid[1] - s.grid[0];
    BOOST_TEST_CONTEXT("grid_points " << points << ", h " << h << ", s " << std::sqrt(s.smoothing_variance)) {
      BOOST_TEST(h > std::sqrt(s.smoothing_variance));
      BOOST_TEST(std::abs(s.density.sum() * h - 1.0) <= 1e-12);
      BOOST_TEST((s.density.array() >= 0.0).all());
      // Each eigenvalue carries mass 1/3 (Rademacher probes on a diagonal matrix), all of it
      // within a few s of the eigenvalue.
      const Eigen::Array<bool, Eigen::Dynamic, 1> near_top = (s.grid.array() - 1000.0).abs() <= 3.0 + 0.5 * h;
      BOOST_TEST(near_top.select(s.density.array(), 0.0).sum() * h == 1.0 / 3.0, boost::test_tools::tolerance(1e-9));
    }
  }
}

BOOST_AUTO_TEST_CASE(slq_wishart_marchenko_pastur_and_trace) {
  // W = X Xᵀ / N, X: D × N standard Gaussian, ratio c = D/N = 0.5 → Marchenko–Pastur on
  // [(1 − √c)², (1 + √c)²] with density √((b − x)(x − a)) / (2π c x).
  const Index d = 800, n = 1600;
  const double c = static_cast<double>(d) / static_cast<double>(n);
  Rng rng(31);
  const Mat x = rng.normal_matrix(d, n);
  DenseSymmetricOperator op(x * x.transpose() / static_cast<double>(n));
  SlqOptions o;
  o.probes = 10;
  o.lanczos_steps = 80;
  Rng probes(32);
  const SpectralDensity s = spectral_density(op, o, probes);
  const double a = std::pow(1.0 - std::sqrt(c), 2), b = std::pow(1.0 + std::sqrt(c), 2);
  // CDF by the midpoint rule on a fine grid (the density is integrable, with √ edges).
  const int m = 200000;
  std::vector<double> cum(m + 1, 0.0);
  const double h = (b - a) / m;
  for (int i = 0; i < m; ++i) {
    const double t = a + (i + 0.5) * h;
    cum[i + 1] = cum[i] + h * std::sqrt((b - t) * (t - a)) / (2.0 * std::numbers::pi * c * t);
  }
  BOOST_TEST(cum[m] == 1.0, boost::test_tools::tolerance(1e-4));
  auto mp_cdf = [&](double t) {
    if (t <= a) return 0.0;
    if (t >= b) return 1.0;
    return cum[static_cast<int>((t - a) / h)];
  };
  const double ks = ks_distance(s, mp_cdf);
  BOOST_TEST_MESSAGE("Wishart Marchenko-Pastur KS distance " << ks);
  BOOST_TEST(ks <= 0.05);
  // Hutchinson trace within 2% of the exact trace (≈ D).
  const double exact = op.matrix().trace();
  BOOST_TEST(std::abs(s.trace.value - exact) <= 0.02 * exact);
  Rng more(33);
  const Estimate t = hutchinson_trace(op, 30, more);
  BOOST_TEST(std::abs(t.value - exact) <= 0.02 * exact);
  BOOST_TEST(t.stderr_ > 0.0);
  // The density-based index of a PSD matrix is 0 (no mass below −tol).
  const SaddleIndex si = saddle_index(s, 1e-8);
  BOOST_TEST(!si.exact);
  BOOST_TEST(si.index == 0.0);
}

BOOST_AUTO_TEST_CASE(slq_index_estimate_of_a_prescribed_spectrum) {
  // Diagonal spectrum with 30% negative eigenvalues: estimate within 3 error bars + 0.02.
  const Index d = 2000;
  Vec diag(d);
  for (Index i = 0; i < d; ++i) diag[i] = i < 600 ? -1.0 - 0.001 * i : 0.5 + 0.001 * i;
  Rng rng(41);
  const Mat q = Eigen::HouseholderQR<Mat>(rng.normal_matrix(d, d)).householderQ();
  DenseSymmetricOperator op(q * diag.asDiagonal() * q.transpose());
  SlqOptions o;
  o.probes = 8;
  o.lanczos_steps = 60;
  Rng probes(42);
  const SaddleIndex s = saddle_index(spectral_density(op, o, probes), 1e-6);
  BOOST_TEST_MESSAGE("SLQ index " << s.index << " ± " << s.index_stderr << " (exact 0.3)");
  BOOST_TEST(std::abs(s.index - 0.3) <= 3.0 * s.index_stderr + 0.02);
}

BOOST_AUTO_TEST_CASE(lanczos_breakdown_is_exact) {
  // Three distinct eigenvalues: Lanczos stops after 3 steps with exact quadrature.
  Vec diag(50);
  for (Index i = 0; i < 50; ++i) diag[i] = static_cast<double>(i % 3) - 1.0;
  DenseSymmetricOperator op(Mat(diag.asDiagonal()));
  Vec alpha, beta;
  const Index steps = lanczos_tridiagonal(op, Vec::Ones(50), 20, alpha, beta);
  BOOST_TEST(steps == 3);
  Eigen::SelfAdjointEigenSolver<Mat> t;
  t.computeFromTridiagonal(alpha, beta, Eigen::EigenvaluesOnly);
  BOOST_TEST(scaled_error(t.eigenvalues(), Eigen::Vector3d(-1, 0, 1)) <= 1e-12);
}

// --- combinatorics (seed 000) ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(log_binomial_and_entropy) {
  // Exact small values.
  BOOST_TEST(std::exp(log_binomial(10, 3)) == 120.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(log_binomial(7, 0) == 0.0);
  // Against an independent product formula Σ log((n − k + i)/i).
  for (double n : {50.0, 1000.0, 20000.0})
    for (double alpha : {0.01, 0.1, 0.37, 0.5}) {
      const double k = std::round(alpha * n);
      double direct = 0.0;
      for (double i = 1; i <= k; ++i) direct += std::log((n - k + i) / i);
      BOOST_TEST(log_binomial(n, k) == direct, boost::test_tools::tolerance(1e-10));
      // Stirling: log C(n, αn) = n h(α) − ½ log(2π n α(1−α)) + O(1/n).
      const double a = k / n;
      const double stirling = n * binary_entropy(a) - 0.5 * std::log(2.0 * std::numbers::pi * n * a * (1.0 - a));
      BOOST_TEST(std::abs(log_binomial(n, k) - stirling) <= 1.0 / (n * a * (1.0 - a)));
      BOOST_TEST(log_saddle_count(static_cast<Index>(n), alpha) == log_binomial(n, k));
    }
  BOOST_TEST(binary_entropy(0.5) == std::log(2.0), boost::test_tools::tolerance(1e-15));
  BOOST_TEST(binary_entropy(0.0) == 0.0);
  BOOST_TEST(binary_entropy(1.0) == 0.0);
  BOOST_CHECK_THROW(log_binomial(3, 4), std::invalid_argument);
  BOOST_CHECK_THROW(binary_entropy(1.5), std::invalid_argument);
}
