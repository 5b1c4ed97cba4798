// Objectives: every registered objective's derivatives against central differences, the
// structural identities (HVP symmetry, dense Hessian = stacked HVPs, minibatch averages,
// least-squares access), then the closed forms of the analytic objectives.
#define BOOST_TEST_MODULE objectives
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/noisy_quadratic.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/objectives/rosenbrock.hpp"
#include "optdyn/objectives/saddles.hpp"
#include "optdyn/objectives/spherical_pspin.hpp"
#include "support/finite_differences.hpp"

using namespace optdyn;
using optdyn::testing::central_difference_gradient;
using optdyn::testing::central_difference_hvp;
using optdyn::testing::random_point;
using optdyn::testing::relative_error;

namespace {

// Small instances of every registered objective. Each registry entry must appear here
// (checked below), so that a new objective cannot skip the derivative tests.
struct Case {
  std::string spec;
  double scale;  // of the random evaluation points
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"quadratic:dim=6,kappa=50,seed=3", 1.0},
      {"quadratic:dim=5,kappa=10,spacing=linear,rotate=false,shift=2,seed=1", 1.0},
      {"quadratic:eigs=2/-1/0.5/0,seed=4,shift=1", 1.0},
      {"noisy_quadratic:dim=4,kappa=20,n=7,noise=0.5,seed=2,shift=1", 1.0},
      {"noisy_quadratic:eigs=2/0.5/-0.25,rotate=false,n=3,seed=5", 1.0},
      {"rosenbrock:dim=2", 1.0},
      {"rosenbrock:dim=6,a=10", 1.0},
      {"saddle", 1.0},
      {"monkey_saddle", 1.0},
      {"plateau_saddle", 1.0},
      {"plateau_saddle:dim=5,flat=3,eps=-0.01", 1.0},
      {"least_squares:n=30,dim=5,noise=0.1,seed=2", 1.0},
      {"least_squares:n=20,dim=6,kappa=100,seed=5", 1.0},
      {"least_squares:n=4,dim=7,seed=6", 1.0},  // under-determined
      {"spherical_pspin:dim=7,p=2,seed=1", 1.0},
      {"spherical_pspin:dim=6,p=3,seed=2", 1.0},
      {"spherical_pspin:dim=5,p=4,seed=3", 0.3},  // scale invariant: any scale
      {"logistic_regression:data=teacher-linear,targets=labels,n=30,dim=4", 0.5},
      {"logistic_regression:data=teacher-linear,targets=labels,n=25,dim=3,bias=false,l2=0", 0.5},
      {"softmax_regression:data=gaussian,targets=labels,n=30,dim=4,classes=3", 0.5},
      {"deep_linear:data=gaussian,n=20,widths=3-4-2", 0.5},
      {"deep_linear:data=gaussian,n=15,widths=3-2-3-2,l2=0.1", 0.5},
      {"mlp:data=gaussian,n=20,widths=3-4-2,act=tanh,loss=mse", 0.5},
      {"mlp:data=gaussian,targets=labels,n=20,widths=3-4-3,act=softplus,loss=ce", 0.5},
      {"mlp:data=gaussian,targets=labels,n=20,widths=3-5-1,act=tanh,loss=bce,l2=0.01", 0.5},
      {"mlp:data=gaussian,n=20,widths=2-3-3-2,act=relu,loss=mse", 0.5},
      {"mlp:data=gaussian,n=10,widths=3-4-2,act=linear,loss=mse,bias=false", 0.5},
      {"cliff", 1.0},
      {"cliff:c=0.2,width=0.7,tilt=-0.4,height=3", 1.0},  // evaluation points on the face
      {"reddi_online:c=5", 1.0},
      {"rnn:steps=6,hidden=3,n=5,seed=2", 0.5},
  };
  return all;
}

// InputError whose message names `key` (as 'key').
auto names_key(const std::string& key) {
  return [key](const InputError& e) {
    const std::string message = e.what();
    const bool ok = message.find("'" + key + "'") != std::string::npos;
    if (!ok) BOOST_TEST_MESSAGE("message does not name '" << key << "': " << message);
    return ok;
  };
}

Vec unit_random(Index d, std::uint64_t seed) {
  Vec v = random_point(d, seed);
  return v / v.norm();
}

// Partition of 0..n−1 into uneven consecutive batches, after a seeded shuffle.
std::vector<std::vector<Index>> partition(Index n, std::uint64_t seed) {
  std::vector<Index> order(n);
  std::iota(order.begin(), order.end(), Index{0});
  Rng rng(seed);
  rng.shuffle(order);
  std::vector<std::vector<Index>> parts;
  Index start = 0, size = 1;
  while (start < n) {
    const Index end = std::min(n, start + size);
    parts.emplace_back(order.begin() + start, order.begin() + end);
    start = end;
    size += 2;
  }
  return parts;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_registered_objective_has_a_test_case) {
  std::set<std::string> covered;
  for (const auto& c : cases()) covered.insert(Spec::parse(c.spec, "objective").name());
  for (const auto& entry : objective_registry().entries()) {
    BOOST_TEST_CONTEXT("objective " << entry.name) {
      BOOST_TEST(covered.count(entry.name) == 1u);
      BOOST_TEST(!entry.help.empty());
      for (const auto& p : entry.params) BOOST_TEST(!p.help.empty(), "key " << p.key << " has help");
    }
  }
}

BOOST_AUTO_TEST_CASE(gradient_and_hvp_match_central_differences) {
  for (const auto& c : cases()) {
    BOOST_TEST_CONTEXT(c.spec) {
      const ObjectivePtr f = make_objective(c.spec);
      const Index d = f->dim();
      double worst_g = 0, worst_hv = 0;
      for (std::uint64_t trial = 0; trial < 3; ++trial) {
        const Vec theta = random_point(d, 100 + trial, c.scale);
        const Vec g = f->gradient(theta);
        BOOST_TEST(g.size() == d);
        const Vec g_fd = central_difference_gradient(*f, theta);
        worst_g = std::max(worst_g, relative_error(g, g_fd, 1e-6));
        BOOST_TEST(relative_error(g, g_fd, 1e-6) <= 1e-6);
        // value_and_gradient agrees with value.
        Vec g2;
        BOOST_TEST(f->value_and_gradient(theta, g2) == f->value(theta));
        const Vec v = unit_random(d, 200 + trial);
        const Vec hv = f->hessian_vector(theta, v);
        BOOST_TEST(hv.size() == d);
        const Vec hv_fd = central_difference_hvp(*f, theta, v);
        worst_hv = std::max(worst_hv, relative_error(hv, hv_fd, 1e-6));
        BOOST_TEST(relative_error(hv, hv_fd, 1e-6) <= 1e-6);
      }
      // Shown with --log_level=message: the margin below the 1e-6 bound.
      BOOST_TEST_MESSAGE(c.spec << ": worst relative error gradient " << worst_g << ", HVP " << worst_hv);
    }
  }
}

BOOST_AUTO_TEST_CASE(hvp_is_symmetric_and_dense_hessian_stacks_hvps) {
  for (const auto& c : cases()) {
    BOOST_TEST_CONTEXT(c.spec) {
      const ObjectivePtr f = make_objective(c.spec);
      const Index d = f->dim();
      const Vec theta = random_point(d, 7, c.scale);
      const Vec u = unit_random(d, 8), v = unit_random(d, 9);
      const Vec hu = f->hessian_vector(theta, u), hv = f->hessian_vector(theta, v);
      const double scale = std::max({hu.norm(), hv.norm(), 1e-8});
      BOOST_TEST(std::abs(u.dot(hv) - v.dot(hu)) <= 1e-12 * scale);

      Mat stacked(d, d);
      Vec e = Vec::Zero(d);
      for (Index j = 0; j < d; ++j) {
        e[j] = 1;
        stacked.col(j) = f->hessian_vector(theta, e);
        e[j] = 0;
      }
      const Mat h = f->hessian(theta);
      BOOST_TEST(h.rows() == d);
      BOOST_TEST(h.cols() == d);
      BOOST_TEST((h - h.transpose()).norm() <= 1e-14 * std::max(h.norm(), 1.0));
      BOOST_TEST((h - stacked).norm() <= 1e-10 * std::max(h.norm(), 1e-8));
    }
  }
}

BOOST_AUTO_TEST_CASE(minibatches_average_to_the_full_objective) {
  for (const auto& c : cases()) {
    BOOST_TEST_CONTEXT(c.spec) {
      const ObjectivePtr f = make_objective(c.spec);
      const Index n = f->num_samples();
      if (n == 0) {
        // Not a finite sum: a batch is an error.
        const std::vector<Index> batch{0};
        Vec g;
        BOOST_CHECK_THROW(f->batch_value_and_gradient(Vec::Zero(f->dim()), batch, g), InputError);
        continue;
      }
      const Index d = f->dim();
      const Vec theta = random_point(d, 11, c.scale);
      const Vec v = unit_random(d, 12);
      Vec g_full;
      const double f_full = f->value_and_gradient(theta, g_full);
      const Vec hv_full = f->hessian_vector(theta, v);
      double f_avg = 0;
      Vec g_avg = Vec::Zero(d), hv_avg = Vec::Zero(d);
      for (const auto& part : partition(n, 13)) {
        const double w = static_cast<double>(part.size()) / static_cast<double>(n);
        Vec g, hv;
        f_avg += w * f->batch_value_and_gradient(theta, part, g);
        f->batch_hessian_vector(theta, part, v, hv);
        g_avg += w * g;
        hv_avg += w * hv;
      }
      BOOST_TEST(std::abs(f_avg - f_full) <= 1e-12 * std::max(std::abs(f_full), 1.0));
      BOOST_TEST(relative_error(g_avg, g_full, 1e-8) <= 1e-12);
      BOOST_TEST(relative_error(hv_avg, hv_full, 1e-8) <= 1e-12);
      // A batch of every sample is the full objective; out-of-range indices are errors.
      std::vector<Index> all(n);
      std::iota(all.begin(), all.end(), Index{0});
      BOOST_TEST(std::abs(f->batch_value(theta, all) - f_full) <= 1e-12 * std::max(std::abs(f_full), 1.0));
      const std::vector<Index> bad{n};
      BOOST_CHECK_THROW(f->batch_value(theta, bad), InputError);
    }
  }
}

BOOST_AUTO_TEST_CASE(least_squares_access_is_consistent) {
  for (const auto& c : cases()) {
    const ObjectivePtr f = make_objective(c.spec);
    const LeastSquaresAccess* ls = f->least_squares();
    if (!ls) continue;
    BOOST_TEST_CONTEXT(c.spec) {
      const Index d = f->dim();
      const Vec theta = random_point(d, 21, c.scale);
      const Vec r = ls->residuals(theta);
      BOOST_TEST(r.size() == ls->num_residuals());
      const double value = f->value(theta);
      BOOST_TEST(std::abs(0.5 * r.squaredNorm() - value) <= 1e-12 * std::max(value, 1.0));
      // ∇F = Jᵀ r.
      BOOST_TEST(relative_error(ls->jacobian_transpose_vector(theta, r), f->gradient(theta), 1e-8) <= 1e-10);
      // J v against central differences of r; ⟨Jv, w⟩ = ⟨v, Jᵀw⟩.
      const Vec v = unit_random(d, 22);
      const double h = 1e-5;
      const Vec jv_fd = (ls->residuals(theta + h * v) - ls->residuals(theta - h * v)) / (2 * h);
      const Vec jv = ls->jacobian_vector(theta, v);
      BOOST_TEST(relative_error(jv, jv_fd, 1e-6) <= 1e-6);
      const Vec w = random_point(ls->num_residuals(), 23);
      const Vec jtw = ls->jacobian_transpose_vector(theta, w);
      BOOST_TEST(std::abs(jv.dot(w) - v.dot(jtw)) <= 1e-12 * jv.norm() * w.norm() + 1e-14);
    }
  }
}

BOOST_AUTO_TEST_CASE(wrong_lengths_are_input_errors) {
  for (const auto& c : cases()) {
    BOOST_TEST_CONTEXT(c.spec) {
      const ObjectivePtr f = make_objective(c.spec);
      const Index d = f->dim();
      const Vec short_theta = Vec::Ones(d - 1), long_theta = Vec::Ones(d + 1);
      Vec out;
      BOOST_CHECK_THROW(f->value(short_theta), InputError);
      BOOST_CHECK_THROW(f->gradient(long_theta), InputError);
      BOOST_CHECK_THROW(f->hessian(short_theta), InputError);
      BOOST_CHECK_THROW(f->hessian_vector(short_theta, Vec::Ones(d)), InputError);
      BOOST_CHECK_THROW(f->hessian_vector(Vec::Ones(d), Vec::Ones(d + 2)), InputError);
    }
  }
}

BOOST_AUTO_TEST_CASE(spec_round_trips_through_canonical) {
  for (const auto& c : cases()) {
    BOOST_TEST_CONTEXT(c.spec) {
      const ObjectivePtr f = make_objective(c.spec);
      const ObjectivePtr g = make_objective(f->spec());
      BOOST_TEST(g->spec() == f->spec());
      const Vec theta = random_point(f->dim(), 31, c.scale);
      BOOST_TEST(g->value(theta) == f->value(theta));  // same seed ⇒ same objective
    }
  }
}

BOOST_AUTO_TEST_CASE(counters_count_values_gradients_hvps_and_samples) {
  const ObjectivePtr q = make_objective("quadratic:dim=4");
  const Vec x = Vec::Ones(4);
  q->reset_counters();
  q->value(x);
  q->gradient(x);
  q->hessian_vector(x, x);
  q->hessian_vector(x, x);
  BOOST_TEST(q->counters().values == 2u);
  BOOST_TEST(q->counters().gradients == 1u);
  BOOST_TEST(q->counters().hvps == 2u);
  BOOST_TEST(q->counters().samples == 0u);
  q->reset_counters();
  BOOST_TEST(q->counters().values == 0u);

  const ObjectivePtr ls = make_objective("least_squares:n=50,dim=3");
  const Vec t = Vec::Zero(3);
  const std::vector<Index> batch{1, 4, 9, 16, 25, 36, 49};
  Vec g, hv;
  ls->value_and_gradient(t, g);
  ls->batch_value_and_gradient(t, batch, g);
  ls->batch_hessian_vector(t, batch, t, hv);
  BOOST_TEST(ls->counters().gradients == 2u);
  BOOST_TEST(ls->counters().values == 2u);
  BOOST_TEST(ls->counters().hvps == 1u);
  BOOST_TEST(ls->counters().samples == 50u + 7u + 7u);
}

// ----- closed forms ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(quadratic_spectrum_and_gradient) {
  const ObjectivePtr f = make_objective("quadratic:dim=8,kappa=100,lmax=2,seed=3,shift=1.5");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  const Vec& lambda = q.eigenvalues();
  BOOST_TEST(lambda.size() == 8);
  BOOST_TEST(lambda[0] == 2.0);
  BOOST_TEST(lambda[7] == 0.02);
  for (Index i = 1; i < 8; ++i)  // log spacing: constant ratio 100^{1/7}
    BOOST_TEST(lambda[i - 1] / lambda[i] == std::pow(100.0, 1.0 / 7.0), boost::test_tools::tolerance(1e-12));
  const Mat qmat = q.rotation();
  BOOST_TEST((qmat.transpose() * qmat - Mat::Identity(8, 8)).norm() <= 1e-13);
  BOOST_TEST((qmat - Mat::Identity(8, 8)).norm() > 1.0);  // actually rotated

  const Vec x = random_point(8, 1);
  Eigen::SelfAdjointEigenSolver<Mat> eig(f->hessian(x));
  Vec expected = lambda;
  std::sort(expected.data(), expected.data() + expected.size());
  BOOST_TEST((eig.eigenvalues() - expected).norm() <= 1e-13);
  BOOST_TEST((f->hessian(x) - q.matrix()).norm() == 0.0);

  BOOST_TEST(q.minimizer().norm() == 1.5, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(relative_error(f->gradient(x), q.matrix() * (x - q.minimizer())) <= 1e-14);
  BOOST_TEST(f->value(q.minimizer()) == 0.0);
  BOOST_TEST(f->gradient(q.minimizer()).norm() == 0.0);
  const Vec e = x - q.minimizer();
  BOOST_TEST(f->value(x) == 0.5 * e.dot(q.matrix() * e), boost::test_tools::tolerance(1e-13));

  // Gradient descent is the linear map θ_k − θ* = (I − ηA)^k (θ_0 − θ*).
  const double eta = 0.3;
  Vec theta = x;
  for (int k = 0; k < 20; ++k) theta -= eta * f->gradient(theta);
  Mat step = Mat::Identity(8, 8) - eta * q.matrix();
  Vec predicted = e;
  for (int k = 0; k < 20; ++k) predicted = step * predicted;
  BOOST_TEST(relative_error(theta - q.minimizer(), predicted) <= 1e-12);
}

// The noisy quadratic model: each sample's gradient is A(θ − θ* − s_i), written out here
// sample by sample from the shifts; their mean is A(θ − θ*) (centred shifts) and their
// covariance A S A at every θ; F(θ*) = ½ mean s_iᵀAs_i.
BOOST_AUTO_TEST_CASE(noisy_quadratic_closed_forms) {
  const auto f = make_noisy_quadratic({.quadratic = {.dim = 4, .kappa = 20, .seed = 2, .shift = 1}, .n = 9, .noise = 0.7});
  const Quadratic& q = f->quadratic();
  const Mat& s = f->shifts();
  const Mat a = q.matrix();
  BOOST_TEST(s.rowwise().sum().norm() <= 1e-14);
  for (std::uint64_t seed : {1u, 2u}) {
    const Vec x = random_point(4, seed);
    Mat cov = Mat::Zero(4, 4);
    Vec mean = Vec::Zero(4);
    for (Index i = 0; i < 9; ++i) {
      const std::vector<Index> one{i};
      Vec g;
      const double v = f->batch_value_and_gradient(x, one, g);
      const Vec d = x - q.minimizer() - s.col(i);
      BOOST_TEST(relative_error(g, a * d) <= 1e-13);
      BOOST_TEST(v == 0.5 * d.dot(a * d), boost::test_tools::tolerance(1e-12));
      mean += g / 9.0;
    }
    for (Index i = 0; i < 9; ++i) {
      const std::vector<Index> one{i};
      Vec g;
      f->batch_value_and_gradient(x, one, g);
      const Vec c = g - mean;
      cov += c * c.transpose() / 9.0;
    }
    BOOST_TEST(relative_error(mean, a * (x - q.minimizer())) <= 1e-12);
    BOOST_TEST((cov - f->gradient_covariance()).norm() <= 1e-12 * cov.norm());
  }
  BOOST_TEST(f->value(q.minimizer()) == 0.5 * (s.transpose() * a * s).diagonal().mean(), boost::test_tools::tolerance(1e-13));
}

BOOST_AUTO_TEST_CASE(quadratic_variants) {
  // Linear spacing, diagonal form.
  const ObjectivePtr lin = make_objective("quadratic:dim=5,kappa=5,lmax=1,spacing=linear,rotate=false");
  const auto& ql = dynamic_cast<const Quadratic&>(*lin);
  BOOST_TEST(ql.is_diagonal());
  const std::vector<double> want{1.0, 0.8, 0.6, 0.4, 0.2};
  for (Index i = 0; i < 5; ++i) BOOST_TEST(ql.eigenvalues()[i] == want[i], boost::test_tools::tolerance(1e-14));
  BOOST_TEST((lin->hessian(Vec::Zero(5)) - Mat(ql.eigenvalues().asDiagonal())).norm() == 0.0);
  BOOST_TEST((ql.rotation() - Mat::Identity(5, 5)).norm() == 0.0);

  // Explicit eigenvalues with negatives: a saddle; dim is taken from the list.
  const ObjectivePtr s = make_objective("quadratic:eigs=3/-1/0.5,seed=9");
  BOOST_TEST(s->dim() == 3);
  Eigen::SelfAdjointEigenSolver<Mat> eig(s->hessian(Vec::Zero(3)));
  BOOST_TEST(eig.eigenvalues()[0] == -1.0, boost::test_tools::tolerance(1e-13));
  BOOST_TEST(eig.eigenvalues()[1] == 0.5, boost::test_tools::tolerance(1e-13));
  BOOST_TEST(eig.eigenvalues()[2] == 3.0, boost::test_tools::tolerance(1e-13));

  // dim = 1, kappa = 1.
  BOOST_TEST(make_objective("quadratic:dim=1,lmax=4")->hessian(Vec::Zero(1))(0, 0) == 4.0);
  // Different seeds give different rotations; the same seed the same one.
  const ObjectivePtr a = make_objective("quadratic:dim=4,seed=1"), b = make_objective("quadratic:dim=4,seed=2");
  const ObjectivePtr a2 = make_objective("quadratic:dim=4,seed=1");
  BOOST_TEST((a->hessian(Vec::Zero(4)) - b->hessian(Vec::Zero(4))).norm() > 1e-3);
  BOOST_TEST((a->hessian(Vec::Zero(4)) - a2->hessian(Vec::Zero(4))).norm() == 0.0);
}

BOOST_AUTO_TEST_CASE(quadratic_bad_keys_name_the_key) {
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:kappa=0.5"), InputError, names_key("kappa"));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:dim=0"), InputError, names_key("dim"));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:lmax=-1"), InputError, names_key("lmax"));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:spacing=cubic"), InputError, names_key("spacing"));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:eigs=1/x/2"), InputError, names_key("eigs"));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:rotate=perhaps"), InputError, names_key("rotate"));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:seed=-3"), InputError, names_key("seed"));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:shift=-1"), InputError, names_key("shift"));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:dimension=3"), InputError, names_key("dimension"));
}

BOOST_AUTO_TEST_CASE(rosenbrock_closed_forms) {
  const ObjectivePtr f = make_objective("rosenbrock");
  BOOST_TEST(f->dim() == 2);
  BOOST_TEST(f->value(Vec::Ones(2)) == 0.0);
  BOOST_TEST(f->gradient(Vec::Ones(2)).norm() == 0.0);
  // The classical starting point (−1.2, 1): F = 100·0.44² + 2.2² = 24.2,
  // ∇F = (−400·(−1.2)·(−0.44) − 2·2.2, 200·(−0.44)) = (−215.6, −88).
  Vec x(2);
  x << -1.2, 1.0;
  BOOST_TEST(f->value(x) == 24.2, boost::test_tools::tolerance(1e-13));
  const Vec g = f->gradient(x);
  BOOST_TEST(g[0] == -215.6, boost::test_tools::tolerance(1e-13));
  BOOST_TEST(g[1] == -88.0, boost::test_tools::tolerance(1e-13));
  // Hessian at the minimiser: [[1200 − 400 + 2, −400], [−400, 200]].
  const Mat h = f->hessian(Vec::Ones(2));
  BOOST_TEST(h(0, 0) == 802.0);
  BOOST_TEST(h(0, 1) == -400.0);
  BOOST_TEST(h(1, 0) == -400.0);
  BOOST_TEST(h(1, 1) == 200.0);
  // Hessian at (−1.2, 1): H_00 = 1200·1.44 − 400 + 2 = 1330, H_01 = 480.
  const Mat hx = f->hessian(x);
  BOOST_TEST(hx(0, 0) == 1330.0, boost::test_tools::tolerance(1e-13));
  BOOST_TEST(hx(0, 1) == 480.0, boost::test_tools::tolerance(1e-13));

  // D = 5: F(0) = D − 1, the minimiser (1, …, 1), tridiagonal Hessian.
  const ObjectivePtr f5 = make_objective("rosenbrock:dim=5");
  BOOST_TEST(f5->value(Vec::Zero(5)) == 4.0);
  Vec g0 = f5->gradient(Vec::Zero(5));
  BOOST_TEST(g0[0] == -2.0);
  BOOST_TEST(g0[4] == 0.0);
  BOOST_TEST(f5->gradient(Vec::Ones(5)).norm() == 0.0);
  const Mat h5 = f5->hessian(random_point(5, 3));
  for (Index i = 0; i < 5; ++i)
    for (Index j = 0; j < 5; ++j)
      if (std::abs(i - j) > 1) BOOST_TEST(h5(i, j) == 0.0);
  // a scales the valley term only: a = 1 at x = (0, 1): F = 1 + 1 = 2.
  Vec y(2);
  y << 0.0, 1.0;
  BOOST_TEST(make_objective("rosenbrock:a=1")->value(y) == 2.0);
  // Gauss–Newton at the minimiser equals the Hessian (zero residuals).
  const auto* ls = f5->least_squares();
  BOOST_REQUIRE(ls);
  BOOST_TEST(ls->residuals(Vec::Ones(5)).norm() == 0.0);
  BOOST_CHECK_EXCEPTION(make_objective("rosenbrock:dim=1"), InputError, names_key("dim"));
  BOOST_CHECK_EXCEPTION(make_objective("rosenbrock:a=0"), InputError, names_key("a"));
}

BOOST_AUTO_TEST_CASE(saddle_closed_forms) {
  const Vec zero = Vec::Zero(2);
  const ObjectivePtr s = make_objective("saddle");
  const Mat hs = s->hessian(zero);
  BOOST_TEST(hs(0, 0) == 2.0);
  BOOST_TEST(hs(1, 1) == -2.0);
  BOOST_TEST(hs(0, 1) == 0.0);
  Vec p(2);
  p << 3.0, 2.0;
  BOOST_TEST(s->value(p) == 5.0);
  BOOST_TEST(s->gradient(zero).norm() == 0.0);

  const ObjectivePtr m = make_objective("monkey_saddle");
  BOOST_TEST(m->hessian(zero).norm() == 0.0);
  BOOST_TEST(m->gradient(zero).norm() == 0.0);
  BOOST_TEST(m->value(p) == 27.0 - 36.0);
  // Three descending valleys: F(r cos φ, r sin φ) = r³ cos 3φ.
  for (double phi : {0.1, 1.0, 2.5, 4.0}) {
    Vec q(2);
    q << 0.7 * std::cos(phi), 0.7 * std::sin(phi);
    BOOST_TEST(m->value(q) == std::pow(0.7, 3) * std::cos(3 * phi), boost::test_tools::tolerance(1e-12));
  }
  BOOST_CHECK_EXCEPTION(make_objective("saddle:dim=3"), InputError, names_key("dim"));

  // Plateau saddle: Hessian at 0 is diag(ε, ε, 1, 1); for ε = 0 minima at ±1 in the flat directions.
  const ObjectivePtr pl = make_objective("plateau_saddle:dim=4,flat=2,eps=-0.01");
  const Mat hp = pl->hessian(Vec::Zero(4));
  BOOST_TEST((hp - Vec((Vec(4) << -0.01, -0.01, 1, 1).finished()).asDiagonal().toDenseMatrix()).norm() == 0.0);
  const ObjectivePtr flat = make_objective("plateau_saddle");
  BOOST_TEST(flat->hessian(Vec::Zero(4)).diagonal().head(2).norm() == 0.0);
  BOOST_TEST(flat->gradient(Vec::Zero(4)).norm() == 0.0);
  Vec minimum(4);
  minimum << 1.0, -1.0, 0.0, 0.0;
  BOOST_TEST(flat->gradient(minimum).norm() == 0.0);
  BOOST_TEST(flat->value(minimum) == -2.0 / 12.0, boost::test_tools::tolerance(1e-14));
  Eigen::SelfAdjointEigenSolver<Mat> eig(flat->hessian(minimum));
  BOOST_TEST(eig.eigenvalues().minCoeff() > 0.0);  // a true minimum (curvature 2, 2, 1, 1)
  // Along a flat direction near 0 the function falls like −x⁴/4.
  Vec near = Vec::Zero(4);
  near[0] = 1e-2;
  BOOST_TEST(flat->value(near) == -0.25e-8 + 1e-12 / 6, boost::test_tools::tolerance(1e-12));
  // In general the flat-direction minima sit at x² = (1 + √(1−4ε))/2 (±1 only for ε = 0).
  for (double eps : {-0.5, -0.01, 0.1, 0.2}) {
    BOOST_TEST_CONTEXT("eps = " << eps) {
      const ObjectivePtr g = make_objective("plateau_saddle:dim=1,flat=1,eps=" + std::to_string(eps));
      const Vec at = Vec::Constant(1, std::sqrt((1.0 + std::sqrt(1.0 - 4.0 * eps)) / 2.0));
      BOOST_TEST(g->gradient(at).norm() < 1e-14);
      BOOST_TEST(g->hessian(at)(0, 0) > 0.0);
    }
  }
  BOOST_CHECK_EXCEPTION(make_objective("plateau_saddle:dim=3,flat=4"), InputError, names_key("flat"));
  BOOST_CHECK_EXCEPTION(make_objective("plateau_saddle:eps=abc"), InputError, names_key("eps"));
}

BOOST_AUTO_TEST_CASE(least_squares_closed_forms) {
  const ObjectivePtr f = make_objective("least_squares:n=40,dim=6,seed=3");
  const auto& ls = dynamic_cast<const LeastSquares&>(*f);
  // Noise-free: the planted parameter is a global minimiser with F = 0.
  BOOST_TEST(f->value(ls.theta_true()) <= 1e-25);
  BOOST_TEST(relative_error(ls.solution(), ls.theta_true()) <= 1e-12);
  const Vec x = random_point(6, 4);
  const Mat& a = ls.a();
  BOOST_TEST(relative_error(f->gradient(x), a.transpose() * (a * x - ls.b()) / 40.0) <= 1e-14);
  BOOST_TEST(relative_error(f->hessian(x), Mat(a.transpose() * a / 40.0)) <= 1e-14);

  // Prescribed condition number: Hessian eigenvalues log-spaced from 1 to 1/kappa.
  const ObjectivePtr g = make_objective("least_squares:n=30,dim=5,kappa=1000,seed=1");
  Eigen::SelfAdjointEigenSolver<Mat> eig(g->hessian(Vec::Zero(5)));
  for (Index j = 0; j < 5; ++j)
    BOOST_TEST(eig.eigenvalues()[4 - j] == std::pow(1000.0, -j / 4.0), boost::test_tools::tolerance(1e-10));

  // With noise the minimiser moves away from θ_true and F(solution) > 0.
  const ObjectivePtr h = make_objective("least_squares:n=40,dim=6,seed=3,noise=0.5");
  const auto& lh = dynamic_cast<const LeastSquares&>(*h);
  BOOST_TEST(h->value(lh.solution()) > 1e-3);
  BOOST_TEST(h->gradient(lh.solution()).norm() <= 1e-12);
  BOOST_TEST((lh.a() - ls.a()).norm() == 0.0);  // A does not depend on the noise

  BOOST_CHECK_EXCEPTION(make_objective("least_squares:n=3,dim=5,kappa=10"), InputError, names_key("kappa"));
  BOOST_CHECK_EXCEPTION(make_objective("least_squares:n=0"), InputError, names_key("n"));
  BOOST_CHECK_EXCEPTION(make_objective("least_squares:noise=-1"), InputError, names_key("noise"));
}

// ----- spherical p-spin ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(pspin_gradient_is_tangent_and_scale_invariant) {
  for (int p : {2, 3, 4}) {
    BOOST_TEST_CONTEXT("p = " << p) {
      const ObjectivePtr f = make_objective("spherical_pspin:dim=6,seed=4,p=" + std::to_string(p));
      const Vec x = random_point(6, 5);
      const Vec g = f->gradient(x);
      BOOST_TEST(std::abs(x.dot(g)) <= 1e-13 * x.norm() * g.norm());
      for (double c : {0.01, 3.0, 250.0}) {
        BOOST_TEST(f->value(c * x) == f->value(x), boost::test_tools::tolerance(1e-12));
        BOOST_TEST(relative_error(c * f->gradient(c * x), g) <= 1e-12);
        BOOST_TEST(relative_error(c * c * f->hessian_vector(c * x, g), f->hessian_vector(x, g)) <= 1e-12);
      }
      // Homogeneity: H(σ) = ⟨σ, ∇H(σ)⟩/p (Euler), value = energy on the sphere.
      const auto& ps = dynamic_cast<const SphericalPSpin&>(*f);
      const Vec sigma = std::sqrt(6.0) * x / x.norm();
      BOOST_TEST(ps.energy(x) == f->value(x), boost::test_tools::tolerance(1e-13));
      BOOST_TEST(sigma.dot(ps.euclidean_gradient(sigma)) / p == ps.energy(sigma), boost::test_tools::tolerance(1e-12));
      // On the sphere, ∇F is the Riemannian gradient.
      BOOST_TEST(relative_error(f->gradient(sigma), ps.riemannian_gradient(sigma)) <= 1e-13);
      BOOST_CHECK_THROW(f->value(Vec::Zero(6)), InputError);
    }
  }
}

BOOST_AUTO_TEST_CASE(pspin_riemannian_hessian_matches_geodesic_second_differences) {
  for (int p : {2, 3, 4}) {
    BOOST_TEST_CONTEXT("p = " << p) {
      const Index n = 6;
      const ObjectivePtr f = make_objective("spherical_pspin:dim=6,seed=8,p=" + std::to_string(p));
      const auto& ps = dynamic_cast<const SphericalPSpin&>(*f);
      const double radius = std::sqrt(static_cast<double>(n));
      Vec sigma = random_point(n, 9);
      sigma *= radius / sigma.norm();
      const Mat hess = ps.riemannian_hessian(sigma);
      BOOST_TEST((hess * sigma).norm() <= 1e-12 * hess.norm());
      for (std::uint64_t k = 0; k < 4; ++k) {
        // Unit tangent w; unit-speed geodesic γ(t) = σ cos(t/R) + R w sin(t/R).
        Vec w = random_point(n, 40 + k);
        w -= sigma * sigma.dot(w) / (radius * radius);
        w /= w.norm();
        auto gamma = [&](double t) -> Vec { return sigma * std::cos(t / radius) + radius * w * std::sin(t / radius); };
        const double h = 1e-3;
        const double second = (ps.energy(gamma(h)) - 2 * ps.energy(sigma) + ps.energy(gamma(-h))) / (h * h);
        const double quad = w.dot(hess * w);
        BOOST_TEST(std::abs(second - quad) <= 1e-5 * std::max(1.0, std::abs(quad)));
        // The objective's Hessian on the sphere restricted to tangent vectors is the same form.
        BOOST_TEST(w.dot(f->hessian_vector(sigma, w)) == quad, boost::test_tools::tolerance(1e-11));
      }
      // tangent_hessian has the eigenvalues of riemannian_hessian minus the normal zero mode.
      Eigen::SelfAdjointEigenSolver<Mat> full(hess), tangent(ps.tangent_hessian(sigma));
      std::vector<double> a(full.eigenvalues().data(), full.eigenvalues().data() + n);
      std::vector<double> b(tangent.eigenvalues().data(), tangent.eigenvalues().data() + n - 1);
      // Remove the eigenvalue closest to 0 from `a`.
      auto zero = std::min_element(a.begin(), a.end(), [](double x, double y) { return std::abs(x) < std::abs(y); });
      a.erase(zero);
      for (Index i = 0; i < n - 1; ++i) BOOST_TEST(a[i] == b[i], boost::test_tools::tolerance(1e-10));
    }
  }
}

BOOST_AUTO_TEST_CASE(pspin_p2_critical_points_are_eigenvectors_with_index_k) {
  // p = 2: H(σ) = σᵀSσ; critical points on the sphere are √N·(eigenvectors of S); the k-th
  // smallest has Riemannian Hessian eigenvalues 2(μ_j − μ_k), j ≠ k, hence index k.
  const Index n = 12;
  const ObjectivePtr f = make_objective("spherical_pspin:dim=12,p=2,seed=5");
  const auto& ps = dynamic_cast<const SphericalPSpin&>(*f);
  const Mat s = ps.coupling_matrix();
  BOOST_TEST((s - s.transpose()).norm() == 0.0);
  Eigen::SelfAdjointEigenSolver<Mat> eig(s);
  const Vec mu = eig.eigenvalues();
  for (Index k = 0; k < n; ++k) {
    BOOST_TEST_CONTEXT("eigenvector " << k) {
      const Vec sigma = std::sqrt(static_cast<double>(n)) * eig.eigenvectors().col(k);
      BOOST_TEST(ps.energy(sigma) == n * mu[k], boost::test_tools::tolerance(1e-10));
      BOOST_TEST(ps.riemannian_gradient(sigma).norm() <= 1e-12);
      BOOST_TEST(f->gradient(sigma).norm() <= 1e-12);
      Eigen::SelfAdjointEigenSolver<Mat> th(ps.tangent_hessian(sigma));
      std::vector<double> expected;
      for (Index j = 0; j < n; ++j)
        if (j != k) expected.push_back(2 * (mu[j] - mu[k]));
      std::sort(expected.begin(), expected.end());
      for (Index j = 0; j < n - 1; ++j)
        BOOST_TEST(th.eigenvalues()[j] == expected[j], boost::test_tools::tolerance(1e-9));
      const auto index = (th.eigenvalues().array() < 0).count();
      BOOST_TEST(index == k);
    }
  }
  // GOE scaling: √2·S has semicircle support [−2, 2]; at N = 150 the top eigenvalue of S is
  // √2 up to Tracy–Widom fluctuations of order N^{−2/3}.
  const ObjectivePtr big = make_objective("spherical_pspin:dim=150,p=2,seed=1");
  Eigen::SelfAdjointEigenSolver<Mat> big_eig(dynamic_cast<const SphericalPSpin&>(*big).coupling_matrix());
  BOOST_TEST(std::abs(big_eig.eigenvalues()[149] - std::sqrt(2.0)) <= 0.2);
  BOOST_TEST(std::abs(big_eig.eigenvalues()[0] + std::sqrt(2.0)) <= 0.2);
}

BOOST_AUTO_TEST_CASE(pspin_covariance_is_N_R_to_the_p) {
  // E[H(σ)H(τ)] = N (σ·τ/N)^p (Auffinger, Ben Arous, Černý 2013), estimated over seeds.
  // Overlap R = σ·τ/N = 0.8 so that the covariance R^p ∈ {0.64, 0.51, 0.41} is far from 0;
  // the bound is 4.5 standard errors estimated from the sample itself (at 1000 trials the
  // standard error of cov/N is ≈ 0.04, so a zero covariance fails by ≥ 9 standard errors).
  const Index n = 5;
  const int trials = 1000;
  const double r = 0.8;
  const Vec sigma = Vec::Ones(n);
  Vec w = Vec::Zero(n);  // w ⊥ σ, ‖w‖² = N
  w[0] = std::sqrt(2.5);
  w[1] = -std::sqrt(2.5);
  const Vec tau = r * sigma + std::sqrt(1.0 - r * r) * w;  // ‖τ‖² = N, σ·τ/N = r
  BOOST_REQUIRE(std::abs(tau.squaredNorm() - 5.0) < 1e-12);
  BOOST_REQUIRE(std::abs(sigma.dot(tau) / 5.0 - r) < 1e-12);
  const auto mean_and_error = [](const std::vector<double>& x) {
    const double k = static_cast<double>(x.size());
    double mean = 0, sq = 0;
    for (double v : x) mean += v / k;
    for (double v : x) sq += (v - mean) * (v - mean);
    return std::pair<double, double>{mean, std::sqrt(sq / (k - 1.0) / k)};
  };
  for (int p : {2, 3, 4}) {
    BOOST_TEST_CONTEXT("p = " << p) {
      std::vector<double> var, cov;
      for (int t = 0; t < trials; ++t) {
        const SphericalPSpin ps(n, p, static_cast<std::uint64_t>(t), "pspin");
        const double a = ps.energy(sigma), b = ps.energy(tau);
        var.push_back(a * a / static_cast<double>(n));
        cov.push_back(a * b / static_cast<double>(n));
      }
      // H(σ)²/N is χ²₁ (mean 1, variance 2).
      const auto [v, v_err] = mean_and_error(var);
      BOOST_TEST(std::abs(v - 1.0) <= 4.5 * v_err);
      const auto [c, c_err] = mean_and_error(cov);
      BOOST_TEST(c_err < 0.06);
      BOOST_TEST(std::abs(c - std::pow(r, p)) <= 4.5 * c_err);
    }
  }
}

BOOST_AUTO_TEST_CASE(least_squares_size_budgets_name_the_key) {
  // A = n × dim: at most 2 GiB of doubles.
  BOOST_CHECK_EXCEPTION(make_objective("least_squares:n=100000000,dim=100"), InputError, names_key("n"));
  // kappa: dim ≤ 4000 and n·dim² ≤ 1e11 (the QR construction is O(n·dim²)).
  BOOST_CHECK_EXCEPTION(make_objective("least_squares:n=5000,dim=5000,kappa=10"), InputError, names_key("dim"));
  BOOST_CHECK_EXCEPTION(make_objective("least_squares:n=20000,dim=3000,kappa=10"), InputError,
                        names_key("kappa"));
  BOOST_CHECK_EXCEPTION(make_objective("least_squares:n=70000,dim=1000,kappa=10"), InputError, names_key("n"));
}

BOOST_AUTO_TEST_CASE(pspin_bad_keys_name_the_key) {
  BOOST_CHECK_EXCEPTION(make_objective("spherical_pspin:p=5"), InputError, names_key("p"));
  BOOST_CHECK_EXCEPTION(make_objective("spherical_pspin:dim=1"), InputError, names_key("dim"));
  // The dense limit, 1.3e8 entries: N = 107 at p = 4 (1.31e8) and N = 507 at p = 3 are refused.
  BOOST_CHECK_EXCEPTION(make_objective("spherical_pspin:dim=107,p=4"), InputError, names_key("dim"));
  BOOST_CHECK_EXCEPTION(make_objective("spherical_pspin:dim=507,p=3"), InputError, names_key("dim"));
  BOOST_CHECK_EXCEPTION(make_objective("spherical_pspin:seed=x"), InputError, names_key("seed"));
}
