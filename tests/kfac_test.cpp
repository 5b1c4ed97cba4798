// K-FAC (issue 7; Martens & Grosse 2015). Checked against
//  * the exact Fisher block of each layer, formed densely from Fisher-vector products (the
//    products are checked against per-sample Jacobians in natural_gradient_test.cpp): equal
//    to Ā ⊗ G for one sample (ā and u trivially independent), different for several;
//    Ā from the inputs and G of the output layer from the output Fisher written out here;
//  * the natural_gradient optimizer: the same step (to 1e-10) for a single linear softmax or
//    logistic layer on one sample (damping 0: pseudo-inverses, F⁺ = Ā⁺ ⊗ G⁺), and for a
//    linear Gaussian (mse) layer on many samples, where F = Ā ⊗ I exactly (also Newton's
//    step, from the dense Hessian); a different step on many softmax samples;
//  * moving averages, π-split damping and inverse_every recomputed in the test from the
//    formulas with Eigen's dense inverses; determinism of sampled labels; bad input.
#define BOOST_TEST_MODULE kfac
#include <boost/test/unit_test.hpp>

#include <Eigen/LU>
#include <cmath>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/dense_references.hpp"
#include "support/finite_differences.hpp"
#include "support/mlp_testing.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

Mat kron(const Mat& a, const Mat& b) {
  Mat out(a.rows() * b.rows(), a.cols() * b.cols());
  for (Index i = 0; i < a.rows(); ++i)
    for (Index j = 0; j < a.cols(); ++j) out.block(i * b.rows(), j * b.cols(), b.rows(), b.cols()) = a(i, j) * b;
  return out;
}

// Index in θ of entry q of vec(W̄) (column-major, W̄ = [W b], rows × (cols + 1)).
Index theta_index(const DenseLayerStatistics& s, Index q) {
  const Index r = q % s.rows, j = q / s.rows;
  return j < s.cols ? s.weight_offset + r * s.cols + j : s.bias_offset + r;
}

Mat abar(const DenseLayerStatistics& s) {
  Mat a(s.cols + 1, s.inputs.cols());
  a.topRows(s.cols) = s.inputs;
  a.row(s.cols).setOnes();
  return a;
}

Mat factor_a(const DenseLayerStatistics& s) { return abar(s) * abar(s).transpose() / static_cast<double>(s.inputs.cols()); }
Mat factor_g(const DenseLayerStatistics& s) {
  return s.output_gradients * s.output_gradients.transpose() / static_cast<double>(s.inputs.cols());
}

// The exact Fisher restricted to one layer's W̄, in vec(W̄) order.
Mat fisher_block(const Mat& fisher, const DenseLayerStatistics& s) {
  const Index m = s.rows * (s.cols + 1);
  Mat block(m, m);
  for (Index p = 0; p < m; ++p)
    for (Index q = 0; q < m; ++q) block(p, q) = fisher(theta_index(s, p), theta_index(s, q));
  return block;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kronecker_factors_equal_the_exact_fisher_block_for_one_sample) {
  for (MlpLoss loss : {MlpLoss::cross_entropy, MlpLoss::binary_cross_entropy, MlpLoss::mse}) {
    const Index k = loss == MlpLoss::binary_cross_entropy ? 1 : 3;
    const Mlp f = synthetic_mlp({.widths = {3, 4, k}, .loss = loss}, 1, 7);
    const Vec theta = random_point(f.dim(), 3, 0.7);
    const ProbabilisticAccess& p = *f.probabilistic();
    const Mat fisher = dense_from_products(p.fisher(theta, {}, FisherKind::true_fisher, nullptr));
    const auto stats = p.dense_layer_statistics(theta, {}, FisherKind::true_fisher, nullptr);
    BOOST_TEST_REQUIRE(stats.size() == 2u);
    for (const DenseLayerStatistics& s : stats) {
      const Mat block = fisher_block(fisher, s);
      BOOST_TEST_INFO(mlp_loss_name(loss) << " layer at " << s.weight_offset);
      BOOST_TEST((kron(factor_a(s), factor_g(s)) - block).norm() <= 1e-13 * block.norm());
    }
    // Independent pieces: Ā of the first layer from the input, G of the output layer = H.
    Vec x1(4);
    x1 << f.data().inputs.col(0), 1.0;
    BOOST_TEST((factor_a(stats[0]) - x1 * x1.transpose()).norm() <= 1e-15 * x1.squaredNorm());
    const Vec out = f.predict(theta, f.data().inputs).col(0);
    Mat h;
    if (loss == MlpLoss::mse) {
      h = Mat::Identity(k, k);
    } else if (loss == MlpLoss::cross_entropy) {
      Vec q = (out.array() - out.maxCoeff()).exp();
      q /= q.sum();
      h = Mat(q.asDiagonal()) - q * q.transpose();
    } else {
      const double s = 1.0 / (1.0 + std::exp(-out[0]));
      h = Mat::Constant(1, 1, s * (1 - s));
    }
    BOOST_TEST((factor_g(stats[1]) - h).norm() <= 1e-14);
  }
  // Several samples: ā and u are dependent, the factorisation is an approximation.
  const Mlp f = synthetic_mlp({.widths = {3, 4, 3}, .loss = MlpLoss::cross_entropy}, 6, 7);
  const Vec theta = random_point(f.dim(), 3, 0.7);
  const Mat fisher = dense_from_products(f.probabilistic()->fisher(theta, {}, FisherKind::true_fisher, nullptr));
  for (const DenseLayerStatistics& s : f.probabilistic()->dense_layer_statistics(theta, {}, FisherKind::true_fisher, nullptr)) {
    const Mat block = fisher_block(fisher, s);
    BOOST_TEST((kron(factor_a(s), factor_g(s)) - block).norm() >= 1e-2 * block.norm());
  }
}

BOOST_AUTO_TEST_CASE(equals_the_natural_gradient_for_one_sample_on_a_linear_softmax_layer) {
  for (const char* spec : {"softmax_regression:dim=4,classes=3,data=gaussian,targets=labels,n=1,data_seed=3",
                           "logistic_regression:dim=4,data=gaussian,targets=labels,n=1,data_seed=3,l2=0"}) {
    ObjectivePtr f = make_objective(spec);
    const Vec theta = random_point(f->dim(), 5, 0.5);
    const Vec kfac = one_step("kfac:fisher=true,damping=0,lr=0.5", *f, theta);
    const Vec natural = one_step("natural_gradient:fisher=true,damping=0,tol=1e-14,lr=0.5", *f, theta);
    BOOST_TEST_INFO(spec);
    BOOST_TEST(relative_error(kfac, natural) <= 1e-10);
    BOOST_TEST(kfac.dot(f->gradient(theta)) < 0.0);
  }
}

BOOST_AUTO_TEST_CASE(equals_natural_gradient_and_newton_on_a_linear_gaussian_layer) {
  MlpArchitecture arch;
  arch.widths = {4, 2};
  arch.loss = MlpLoss::mse;
  const Mlp f(arch, synthetic_data(4, 2, 20, MlpLoss::mse, 5), "mse-layer");
  const Vec theta = random_point(f.dim(), 2);
  const Vec newton = -f.hessian(theta).fullPivLu().solve(f.gradient(theta));
  const Vec kfac = one_step("kfac:fisher=true,damping=0", f, theta);
  const Vec natural = one_step("natural_gradient:fisher=true,damping=0,tol=1e-14", f, theta);
  BOOST_TEST(relative_error(kfac, newton) <= 1e-10);
  BOOST_TEST(relative_error(natural, newton) <= 1e-10);
}

BOOST_AUTO_TEST_CASE(differs_from_the_natural_gradient_on_many_softmax_samples) {
  ObjectivePtr f = make_objective("softmax_regression:dim=4,classes=3,data=gaussian,targets=labels,n=20,data_seed=3");
  const Vec theta = random_point(f->dim(), 5, 0.5);
  const Vec kfac = one_step("kfac:fisher=true,damping=1e-6", *f, theta);
  const Vec natural = one_step("natural_gradient:fisher=true,damping=1e-6,tol=1e-14", *f, theta);
  BOOST_TEST(relative_error(kfac, natural) >= 1e-3);
  BOOST_TEST(kfac.dot(natural) > 0.5 * kfac.norm() * natural.norm());  // but close in direction
}

// Three steps with decay, π damping and inverses every 2 steps, recomputed from the formulas.
BOOST_AUTO_TEST_CASE(moving_averages_damping_and_refresh_follow_the_formulas) {
  const Mlp f = synthetic_mlp({.widths = {3, 4, 2}, .loss = MlpLoss::cross_entropy}, 8, 13);
  const ProbabilisticAccess& p = *f.probabilistic();
  const double lr = 0.5, gamma = 0.1, decay = 0.6;
  for (const char* split : {"pi", "plain"}) {
    OptimizerPtr opt = make_optimizer(std::string("kfac:fisher=empirical,lr=0.5,damping=0.1,decay=0.6,inverse_every=2,damping_split=") + split);
    opt->reset(f.dim());
    ObjectiveOracle oracle(f);
    Vec x = random_point(f.dim(), 4, 0.5), expected = x;
    std::vector<Mat> a_avg(2), g_avg(2), a_inv(2), g_inv(2);
    for (int t = 1; t <= 3; ++t) {
      const auto stats = p.dense_layer_statistics(expected, {}, FisherKind::empirical, nullptr);
      const Vec g = f.gradient(expected);
      Vec step(f.dim());
      for (std::size_t l = 0; l < 2; ++l) {
        const DenseLayerStatistics& s = stats[l];
        a_avg[l] = t == 1 ? factor_a(s) : Mat(decay * a_avg[l] + (1 - decay) * factor_a(s));
        g_avg[l] = t == 1 ? factor_g(s) : Mat(decay * g_avg[l] + (1 - decay) * factor_g(s));
        if (t != 2) {  // inverse_every = 2: refreshed at steps 1 and 3
          const double pi = std::string(split) == "pi"
                                ? std::sqrt((a_avg[l].trace() / a_avg[l].rows()) / (g_avg[l].trace() / g_avg[l].rows()))
                                : 1.0;
          a_inv[l] = (a_avg[l] + pi * std::sqrt(gamma) * Mat::Identity(a_avg[l].rows(), a_avg[l].rows())).inverse();
          g_inv[l] = (g_avg[l] + std::sqrt(gamma) / pi * Mat::Identity(g_avg[l].rows(), g_avg[l].rows())).inverse();
        }
        Mat grad(s.rows, s.cols + 1);
        for (Index r = 0; r < s.rows; ++r) {
          for (Index c = 0; c < s.cols; ++c) grad(r, c) = g[s.weight_offset + r * s.cols + c];
          grad(r, s.cols) = g[s.bias_offset + r];
        }
        const Mat d = -g_inv[l] * grad * a_inv[l];
        for (Index r = 0; r < s.rows; ++r) {
          for (Index c = 0; c < s.cols; ++c) step[s.weight_offset + r * s.cols + c] = d(r, c);
          step[s.bias_offset + r] = d(r, s.cols);
        }
      }
      expected += lr * step;
      opt->step(x, oracle);
      BOOST_TEST_INFO(split << " step " << t);
      BOOST_TEST(relative_error(x, expected) <= 1e-12);
    }
  }
}

BOOST_AUTO_TEST_CASE(sampled_labels_are_seeded_and_training_descends) {
  const Mlp f = synthetic_mlp({.widths = {4, 6, 3}, .loss = MlpLoss::cross_entropy}, 50, 2);
  auto run = [&](const std::string& spec) {
    OptimizerPtr opt = make_optimizer(spec);
    opt->reset(f.dim());
    ObjectiveOracle oracle(f, 10, Sampling::shuffle, 1);
    Vec x = random_point(f.dim(), 6, 0.3);
    for (int k = 0; k < 40; ++k) opt->step(x, oracle);
    return x;
  };
  const Vec a = run("kfac:lr=0.2,damping=1e-2,seed=5"), b = run("kfac:lr=0.2,damping=1e-2,seed=5");
  const Vec c = run("kfac:lr=0.2,damping=1e-2,seed=6");
  BOOST_TEST((a - b).norm() == 0.0);
  BOOST_TEST((a - c).norm() > 0.0);
  BOOST_TEST(f.value(a) < 0.7 * f.value(random_point(f.dim(), 6, 0.3)));
}

BOOST_AUTO_TEST_CASE(bad_input_names_the_optimizer) {
  ObjectivePtr q = make_objective("quadratic:dim=3");
  ObjectiveOracle oracle(*q);
  const std::string error = step_error("kfac", oracle);
  BOOST_TEST(error.find("'kfac'") != std::string::npos, error);
  BOOST_CHECK_THROW(make_optimizer("kfac:decay=1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("kfac:damping_split=maybe"), InputError);
  BOOST_CHECK_THROW(make_optimizer("kfac:inverse_every=0"), InputError);
}
