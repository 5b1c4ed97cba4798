// The tanh RNN on the adding task (objectives/rnn.hpp): BPTT gradient and R-operator HVP
// against central differences at a trained-looking point of every spectral radius; the hidden
// Jacobian ∂h_T/∂h_0 against central differences of an independent forward pass and against
// the product of the per-step Jacobians diag(1 − h_t²) W; the adding-task data.
#define BOOST_TEST_MODULE rnn
#include <boost/test/unit_test.hpp>

#include <Eigen/SVD>
#include <cmath>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/objectives/rnn.hpp"
#include "support/finite_differences.hpp"

using namespace optdyn;
using optdyn::testing::central_difference_gradient;
using optdyn::testing::central_difference_hvp;
using optdyn::testing::random_point;
using optdyn::testing::relative_error;

namespace {

using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// h_k from a given h_0, written here from rnn.hpp's formula (independent of Rnn's own pass).
Vec forward_from(const Rnn& f, const Vec& theta, Index i, const Vec& h0, Index k) {
  const Index h = f.hidden();
  const Mat w = Eigen::Map<const RowMat>(theta.data(), h, h);
  const Mat u = Eigen::Map<const RowMat>(theta.data() + h * h, h, 2);
  const Vec b = theta.segment(h * h + 2 * h, h);
  const Mat x = f.inputs(i);
  Vec s = h0;
  for (Index t = 0; t < k; ++t) s = (w * s + u * x.col(t) + b).array().tanh().matrix();
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(gradient_and_hvp_match_central_differences_for_every_radius) {
  for (const double rho : {0.5, 1.0, 1.5}) {
    BOOST_TEST_CONTEXT("radius " << rho) {
      const auto f = make_rnn({.steps = 12, .hidden = 5, .n = 6, .radius = rho, .seed = 3});
      Vec theta = f->initial_point(7);
      theta += 0.1 * random_point(f->dim(), 8);  // off the initial point: b, c ≠ 0
      const Vec g = f->gradient(theta);
      BOOST_TEST(relative_error(g, central_difference_gradient(*f, theta), 1e-8) <= 1e-6);
      for (std::uint64_t k = 0; k < 2; ++k) {
        Vec v = random_point(f->dim(), 20 + k);
        v /= v.norm();
        const Vec hv = f->hessian_vector(theta, v);
        BOOST_TEST(relative_error(hv, central_difference_hvp(*f, theta, v), 1e-8) <= 1e-6);
      }
      // A minibatch's HVP is the same R-operator on its samples.
      const std::vector<Index> batch{4, 1};
      Vec v = random_point(f->dim(), 30), hb;
      f->batch_hessian_vector(theta, batch, v, hb);
      Vec h4, h1;
      f->batch_hessian_vector(theta, std::vector<Index>{4}, v, h4);
      f->batch_hessian_vector(theta, std::vector<Index>{1}, v, h1);
      BOOST_TEST(relative_error(hb, 0.5 * (h4 + h1)) <= 1e-13);
    }
  }
}

BOOST_AUTO_TEST_CASE(hidden_jacobian_is_the_product_of_step_jacobians_and_matches_differences) {
  const auto f = make_rnn({.steps = 15, .hidden = 4, .n = 3, .radius = 1.2, .seed = 1});
  const Vec theta = f->initial_point(2) + 0.05 * random_point(f->dim(), 3);
  const Index h = f->hidden();
  const Mat w = Eigen::Map<const RowMat>(theta.data(), h, h);
  for (const Index k : {Index{1}, Index{7}, Index{15}}) {
    BOOST_TEST_CONTEXT("k = " << k) {
      const Mat j = f->hidden_jacobian(theta, 2, k);
      // Product Π_{t=k}^{1} diag(1 − h_t²) W with h_t from the test's own forward pass.
      Mat product = Mat::Identity(h, h);
      for (Index t = 1; t <= k; ++t) {
        const Vec ht = forward_from(*f, theta, 2, Vec::Zero(h), t);
        product = (1.0 - ht.array().square()).matrix().asDiagonal() * w * product;
      }
      BOOST_TEST((j - product).norm() <= 1e-13 * std::max(1.0, product.norm()));
      // Central differences of h_k in h_0 at h_0 = 0.
      Mat fd(h, h);
      const double step = 1e-6;
      for (Index c = 0; c < h; ++c) {
        Vec e = Vec::Zero(h);
        e[c] = step;
        fd.col(c) = (forward_from(*f, theta, 2, e, k) - forward_from(*f, theta, 2, -e, k)) / (2 * step);
      }
      BOOST_TEST((j - fd).norm() <= 1e-7 * std::max(1.0, fd.norm()));
      BOOST_TEST(std::abs(f->hidden_jacobian_norm(theta, 2, k) - Eigen::JacobiSVD<Mat>(fd).singularValues()[0]) <=
                 1e-7 * std::max(1.0, fd.norm()));
    }
  }
}

BOOST_AUTO_TEST_CASE(jacobian_norm_is_at_most_radius_to_the_t) {
  // ‖Π D_t W‖ ≤ Π ‖D_t‖ ‖W‖ ≤ ρ^k (0 < 1 − h² ≤ 1; W = ρQ has every singular value ρ).
  for (const double rho : {0.8, 1.0, 1.3}) {
    const auto f = make_rnn({.steps = 30, .hidden = 6, .n = 2, .radius = rho, .seed = 4});
    const Vec theta = f->initial_point(5);
    const Index h = f->hidden();
    const Mat w = Eigen::Map<const RowMat>(theta.data(), h, h);
    const Eigen::JacobiSVD<Mat> svd(w);
    BOOST_TEST(svd.singularValues().maxCoeff() == rho, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(svd.singularValues().minCoeff() == rho, boost::test_tools::tolerance(1e-12));
    for (const Index k : {Index{5}, Index{30}})
      BOOST_TEST(f->hidden_jacobian_norm(theta, 0, k) <= std::pow(rho, static_cast<double>(k)) * (1 + 1e-12));
  }
}

BOOST_AUTO_TEST_CASE(adding_task_has_one_marker_in_each_half_and_their_sum_as_target) {
  const auto f = make_rnn({.steps = 11, .hidden = 2, .n = 50, .seed = 9});
  for (Index i = 0; i < f->num_samples(); ++i) {
    const Mat x = f->inputs(i);
    BOOST_TEST(x.row(1).sum() == 2.0);
    BOOST_TEST(x.row(1).head(5).sum() == 1.0);  // ⌊T/2⌋ = 5
    BOOST_TEST(x.row(1).dot(x.row(0)) == f->target(i));
    BOOST_TEST(x.row(0).minCoeff() >= 0.0);
    BOOST_TEST(x.row(0).maxCoeff() < 1.0);
  }
  BOOST_CHECK_THROW(make_objective("rnn:steps=1"), InputError);
  BOOST_CHECK_THROW(make_objective("rnn:radius=-1"), InputError);
}
