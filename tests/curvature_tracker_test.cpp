// The curvature tracker (analysis/curvature_tracker.hpp) against independent results: Eigen's
// dense SelfAdjointEigenSolver of the Hessian at every step of a GD run on a small MLP; a
// constructed crossing H(t) = Q diag(λ(t)) Qᵀ whose eigenvectors are known (identity must
// follow the eigenvector q₁, not the sort order); a spectrum moving across the threshold
// (adds and drops counted against the known spectrum); and the product count of a cold
// Krylov–Schur solve at the same tolerance on a slowly varying operator. The monitor keys
// (tracker=on, tracker_threshold=auto → 1.5/η) and columns against a quadratic's closed form.
#define BOOST_TEST_MODULE curvature_tracker
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <functional>

#include "optdyn/analysis/curvature_monitor.hpp"
#include "optdyn/analysis/curvature_tracker.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/krylov_schur.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

using namespace optdyn;
using namespace optdyn::analysis;

namespace {

// A random orthogonal matrix (QR of a Gaussian matrix).
Mat random_orthogonal(Index d, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::HouseholderQR<Mat> qr(rng.normal_matrix(d, d));
  return qr.householderQ() * Mat::Identity(d, d);
}

DenseSymmetricOperator with_spectrum(const Mat& q, const Vec& lambda) {
  return DenseSymmetricOperator(q * lambda.asDiagonal() * q.transpose());
}

}  // namespace

BOOST_AUTO_TEST_CASE(eigenpairs_against_dense_along_a_gd_run) {
  // GD (the optimizer's own step) on a tanh MLP, D = 4·6 + 6 + 6·3 + 3 = 51; at every step the
  // tracked pairs must be the dense spectrum's eigenvalues above the threshold.
  ObjectivePtr f = make_objective("mlp:data=gaussian,n=40,widths=4-6-3,act=tanh,loss=mse,data_seed=2");
  Vec theta = initial_point("init:gaussian,gain=0.8,seed=3", *f);
  OptimizerPtr gd = make_optimizer("gd:lr=0.05");
  gd->reset(f->dim());
  ObjectiveOracle oracle(*f);

  // Threshold: a level with a few eigenvalues above it at θ₀.
  Eigen::SelfAdjointEigenSolver<Mat> e0(f->bind(theta).dense());
  const Vec s0 = e0.eigenvalues();
  const Index d = s0.size();
  TrackerOptions o;
  o.threshold = 0.5 * (s0[d - 3] + s0[d - 4]);  // three above at θ₀
  o.tol = 1e-10;
  o.max_pairs = 6;
  CurvatureTracker tracker(o);
  Index changes = 0;
  for (int step = 0; step < 40; ++step) {
    const HessianOperator h(*f, theta);
    const Vec g = f->gradient(theta);
    const TrackerMeasurement m = tracker.measure(h, &g);
    Eigen::SelfAdjointEigenSolver<Mat> dense(h.dense());
    const Vec s = dense.eigenvalues();  // ascending
    Index above = 0;
    for (Index i = 0; i < d; ++i) above += s[i] > o.threshold ? 1 : 0;
    BOOST_TEST(m.converged);
    BOOST_TEST(static_cast<Index>(m.pairs.size()) == std::clamp<Index>(above, 1, o.max_pairs));
    const double scale = s.cwiseAbs().maxCoeff();
    for (std::size_t j = 0; j < m.pairs.size(); ++j) {
      BOOST_TEST(std::abs(m.pairs[j].value - s[d - 1 - static_cast<Index>(j)]) <= 1e-8 * scale);
      // The vector: a true residual with a fresh product.
      const Vec v = tracker.vectors().col(static_cast<Index>(j));
      BOOST_TEST((h * v - m.pairs[j].value * v).norm() <= 1e-8 * scale);
    }
    // Gradient overlap from the dense eigenvectors of the tracked eigenvalues.
    const Mat top = dense.eigenvectors().rightCols(static_cast<Index>(m.pairs.size()));
    BOOST_TEST(std::abs(m.gradient_overlap - (top.transpose() * g).norm() / g.norm()) <= 1e-6);
    changes += m.added + m.dropped;
    gd->step(theta, oracle);
  }
  BOOST_TEST_MESSAGE("adds + drops along the run: " << changes);
}

BOOST_AUTO_TEST_CASE(identity_follows_the_eigenvector_through_a_crossing) {
  // λ₁(t) = 3 − t, λ₂(t) = 2 + t cross at t = 0.5; the rest stays in [0.1, 1]. Q fixed, so the
  // eigenvectors are q₁ and q₂ throughout: the pair that starts as λmax (vector q₁) must keep
  // its id and slot, report 3 − t and stay ±q₁ after it has become the second largest.
  const Index d = 30;
  const Mat q = random_orthogonal(d, 5);
  Vec lambda = Vec::LinSpaced(d, 0.1, 1.0);
  TrackerOptions o;
  o.threshold = 1.5;
  o.max_pairs = 4;
  o.tol = 1e-10;
  CurvatureTracker tracker(o);
  std::uint64_t id1 = 0, id2 = 0;
  Index slot1 = -1;
  for (int i = 0; i <= 20; ++i) {
    const double t = 0.0125 + 0.05 * i;  // never exactly 0.5
    lambda[0] = 3.0 - t;
    lambda[1] = 2.0 + t;
    const DenseSymmetricOperator h = with_spectrum(q, lambda);
    const TrackerMeasurement m = tracker.measure(h);
    BOOST_REQUIRE(m.pairs.size() == 2u);
    BOOST_TEST(m.converged);
    if (i == 0) {
      id1 = m.pairs[0].id;
      id2 = m.pairs[1].id;
      slot1 = m.pairs[0].slot;
    }
    for (std::size_t j = 0; j < 2; ++j) {
      const TrackedPair& p = m.pairs[j];
      const Vec v = tracker.vectors().col(static_cast<Index>(j));
      if (p.id == id1) {
        BOOST_TEST(std::abs(p.value - (3.0 - t)) <= 1e-9);
        BOOST_TEST(std::abs(std::abs(v.dot(q.col(0))) - 1.0) <= 1e-9);
        BOOST_TEST(p.slot == slot1);
      } else {
        BOOST_TEST(p.id == id2);
        BOOST_TEST(std::abs(p.value - (2.0 + t)) <= 1e-9);
        BOOST_TEST(std::abs(std::abs(v.dot(q.col(1))) - 1.0) <= 1e-9);
      }
    }
    // After the crossing the sort order has swapped: id1 is second.
    if (t > 0.5) BOOST_TEST(m.pairs[1].id == id1);
    BOOST_TEST(m.added == (i == 0 ? 2 : 0));
    BOOST_TEST(m.dropped == 0);
  }
}

BOOST_AUTO_TEST_CASE(match_by_overlap_assigns_by_largest_overlap) {
  // Columns of the identity, permuted and slightly rotated: the permutation is recovered.
  const Mat previous = Mat::Identity(5, 3);
  Mat next(5, 3);
  next.col(0) = Vec::Unit(5, 2);
  next.col(1) = (Vec::Unit(5, 0) + 0.3 * Vec::Unit(5, 2)).normalized();
  next.col(2) = -Vec::Unit(5, 1);
  const std::vector<Index> m = match_by_overlap(previous, next);
  BOOST_TEST(m[0] == 2);
  BOOST_TEST(m[1] == 0);
  BOOST_TEST(m[2] == 1);
}

BOOST_AUTO_TEST_CASE(threshold_adds_and_drops_pairs) {
  // Spectrum: λ₁ = 4 fixed; λ₂(s) = 2.5 − 2s falls below the threshold 1.5 at s = 0.5;
  // λ₃(s) = 0.5 + 2s rises above it at s = 0.5; the rest in [0, 0.4]. Expected: two tracked
  // before s = 0.5 ({λ₁, λ₂}), two after ({λ₁, λ₃}), λ₂'s id dropped and a new id added
  // once, at the first measurement past the crossing.
  const Index d = 40;
  const Mat q = random_orthogonal(d, 9);
  Vec lambda = Vec::LinSpaced(d, 0.0, 0.4);
  lambda[0] = 4.0;
  TrackerOptions o;
  o.threshold = 1.5;
  o.max_pairs = 5;
  o.tol = 1e-10;
  CurvatureTracker tracker(o);
  Index added = 0, dropped = 0;
  std::uint64_t id_top = 0;
  for (int i = 0; i <= 20; ++i) {
    const double s = 0.025 + 0.05 * i;
    lambda[1] = 2.5 - 2.0 * s;
    lambda[2] = 0.5 + 2.0 * s;
    const TrackerMeasurement m = tracker.measure(with_spectrum(q, lambda));
    BOOST_TEST(m.converged);
    BOOST_REQUIRE(m.pairs.size() == 2u);
    if (i == 0) id_top = m.pairs[0].id;
    BOOST_TEST(m.pairs[0].id == id_top);
    BOOST_TEST(std::abs(m.pairs[0].value - 4.0) <= 1e-9);
    BOOST_TEST(std::abs(m.pairs[1].value - std::max(lambda[1], lambda[2])) <= 1e-9);
    const Index second = s < 0.5 ? 1 : 2;
    BOOST_TEST(std::abs(std::abs(tracker.vectors().col(1).dot(q.col(second))) - 1.0) <= 1e-9);
    if (i > 0) {
      added += m.added;
      dropped += m.dropped;
      BOOST_TEST(m.added == (i == 10 ? 1 : 0));
    }
  }
  BOOST_TEST(added == 1);
  BOOST_TEST(dropped == 1);

  // Growing: a spectrum whose whole top rises above the threshold is followed up to max_pairs.
  CurvatureTracker grow(o);
  Vec flat = Vec::LinSpaced(d, 0.0, 1.0);
  BOOST_TEST(grow.measure(with_spectrum(q, flat)).pairs.size() == 1u);  // λmax always tracked
  flat.tail(3) << 2.0, 2.5, 3.0;
  const TrackerMeasurement m = grow.measure(with_spectrum(q, flat));
  BOOST_TEST(m.pairs.size() == 3u);
  BOOST_TEST(m.added == 2);
  BOOST_TEST(std::abs(m.pairs[2].value - 2.0) <= 1e-9);
  flat.tail(7).setConstant(5.0);
  flat.tail(7) += Vec::LinSpaced(7, 0.0, 0.6);
  BOOST_TEST(grow.measure(with_spectrum(q, flat)).pairs.size() == 5u);  // capped

  // A negative threshold: the deflated cold start must find negative eigenvalues too.
  TrackerOptions neg = o;
  neg.threshold = -2.5;
  neg.max_pairs = 3;
  CurvatureTracker below(neg);
  Vec spectrum = Vec::LinSpaced(d, -6.0, -3.0);
  spectrum.tail(3) << -2.0, -1.0, 3.0;
  const TrackerMeasurement n = below.measure(with_spectrum(q, spectrum));
  BOOST_REQUIRE(n.pairs.size() == 3u);
  BOOST_TEST(std::abs(n.pairs[0].value - 3.0) <= 1e-9);
  BOOST_TEST(std::abs(n.pairs[1].value + 1.0) <= 1e-9);
  BOOST_TEST(std::abs(n.pairs[2].value + 2.0) <= 1e-9);
}

BOOST_AUTO_TEST_CASE(fewer_products_than_a_cold_solve_on_a_slowly_varying_operator) {
  // H(t) = Q(t) diag(λ(t)) Q(t)ᵀ, Q(t) = Q C(t) with the Cayley rotation
  // C(t) = (I − tK/2)⁻¹(I + tK/2) (orthogonal for skew K), D = 300, λmax only at tol 1e-8:
  // after the first measurement, the warm tracker needs far fewer products than Krylov–Schur
  // from a random start (krylov_schur.hpp, the monitor's solver) at the same tolerance.
  const Index d = 300;
  const Mat q0 = random_orthogonal(d, 13);
  Rng rng(17);
  Mat k = rng.normal_matrix(d, d);
  k = 0.5 * (k - k.transpose()).eval() / std::sqrt(static_cast<double>(d));
  Vec lambda = Vec::LinSpaced(d, -0.5, 2.0);
  lambda[d - 1] = 2.6;
  lambda[d - 2] = 2.3;
  TrackerOptions o;
  o.tol = 1e-8;
  CurvatureTracker tracker(o);
  std::uint64_t warm = 0, cold = 0;
  const int measurements = 10;
  for (int i = 0; i <= measurements; ++i) {
    const double t = 1e-4 * i;
    const Mat id = Mat::Identity(d, d);
    const Mat rotation = (id - 0.5 * t * k).partialPivLu().solve(id + 0.5 * t * k);
    lambda[d - 1] = 2.6 + 1e-4 * i;
    const DenseSymmetricOperator h = with_spectrum(q0 * rotation, lambda);
    const TrackerMeasurement m = tracker.measure(h);
    BOOST_TEST(m.converged);
    BOOST_TEST(std::abs(m.pairs[0].value - lambda[d - 1]) <= 1e-7);
    KrylovSchurOptions ko;
    ko.largest = 1;
    ko.tol = o.tol;
    ko.seed = static_cast<std::uint64_t>(i);
    const KrylovSchurResult r = krylov_schur(h, ko);
    BOOST_TEST(r.converged);
    BOOST_TEST(std::abs(r.eigenvalues[0] - lambda[d - 1]) <= 1e-7);
    if (i == 0) continue;
    warm += m.products;
    cold += r.products;
  }
  BOOST_TEST_MESSAGE("products per measurement: warm " << double(warm) / measurements << ", cold "
                                                       << double(cold) / measurements);
  BOOST_TEST(2 * warm < cold);
}

BOOST_AUTO_TEST_CASE(monitor_keys_and_columns) {
  // tracker_threshold=auto is 1.5/η with the optimizer's step size, an InputError naming the
  // key without one (a flow); bad tracker keys name themselves.
  auto names = [](const std::function<void()>& f, const std::string& key) {
    try {
      f();
    } catch (const InputError& e) {
      return std::string(e.what()).find("key '" + key + "'") != std::string::npos;
    }
    return false;
  };
  BOOST_TEST(names([] { CurvatureMonitor m("curvature:every=1,tracker=on"); }, "tracker_threshold"));
  BOOST_TEST(names([] { CurvatureMonitor m("curvature:every=1,tracker=yes", 0.1); }, "tracker"));
  BOOST_TEST(names([] { CurvatureMonitor m("curvature:every=1,tracker=on,tracker_tol=0", 0.1); }, "tracker_tol"));
  BOOST_TEST(names([] { CurvatureMonitor m("curvature:every=1,tracker=on,tracker_pairs=0", 0.1); }, "tracker_pairs"));
  BOOST_TEST(names([] { CurvatureMonitor m("curvature:every=1,tracker=on,tracker_threshold=x"); }, "tracker_threshold"));
  const CurvatureMonitor with_eta("curvature:every=1,tracker=on", 0.5);
  BOOST_TEST(with_eta.tracker()->options().threshold == 3.0);  // 1.5/0.5
  BOOST_TEST(CurvatureMonitor("curvature:every=1").column_names().size() == CurvatureMonitor::columns().size());

  // Cells on a quadratic with eigenvalues 4, 3, 2.5, 1, −0.5, threshold 2.2: three tracked,
  // in slots 0..2, against the closed form; the cold columns agree on λmax.
  ObjectivePtr f = make_objective("quadratic:eigs=4/3/2.5/1/-0.5,rotate=true,seed=3");
  CurvatureMonitor m("curvature:every=1,tracker=on,tracker_threshold=2.2,tracker_pairs=3,tracker_tol=1e-10");
  const std::vector<std::string> cols = m.column_names();
  BOOST_REQUIRE(cols.size() == CurvatureMonitor::columns().size() + 3 + 4);
  BOOST_TEST(cols[CurvatureMonitor::columns().size()] == "track_lambda0");
  BOOST_TEST(cols.back() == "track_converged");
  const Vec theta = Vec::Constant(5, 0.3);
  const std::vector<double> c = m.cells(*f, theta, true);
  const std::size_t base = CurvatureMonitor::columns().size();
  std::vector<double> tracked(c.begin() + static_cast<long>(base), c.begin() + static_cast<long>(base) + 3);
  std::sort(tracked.begin(), tracked.end());
  BOOST_TEST(std::abs(tracked[0] - 2.5) <= 1e-9);
  BOOST_TEST(std::abs(tracked[1] - 3.0) <= 1e-9);
  BOOST_TEST(std::abs(tracked[2] - 4.0) <= 1e-9);
  BOOST_TEST(c[base + 3] == 3.0);       // track_count
  BOOST_TEST(c[base + 6] == 1.0);       // track_converged
  BOOST_TEST(std::abs(c[0] - 4.0) <= 1e-9);  // the cold λmax
  // tracker=only: the cold cells are NaN.
  CurvatureMonitor only("curvature:every=1,tracker=only,tracker_threshold=2.2");
  const std::vector<double> o = only.cells(*f, theta, true);
  BOOST_TEST(std::isnan(o[0]));
  BOOST_TEST(std::abs(o[base] - 4.0) <= 1e-7);
}
