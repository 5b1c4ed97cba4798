// Input–output Jacobian, its singular values, and per-layer gradient norms
// (analysis/input_output_jacobian, analysis/layer_gradient_norms).
#define BOOST_TEST_MODULE jacobian
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "optdyn/analysis/input_output_jacobian.hpp"
#include "optdyn/analysis/layer_gradient_norms.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/mlp.hpp"

using namespace optdyn;

namespace {

Dataset gaussian_data(Index d, Index k, Index n, std::uint64_t seed) {
  Rng rng(seed);
  Dataset data;
  data.inputs = rng.normal_matrix(d, n);
  data.targets = rng.normal_matrix(k, n);
  return data;
}

Mlp make_mlp(std::vector<Index> widths, Activation act, bool bias, std::uint64_t seed = 3) {
  MlpArchitecture arch;
  arch.widths = widths;
  arch.activation = act;
  arch.loss = MlpLoss::mse;
  arch.bias = bias;
  return Mlp(arch, gaussian_data(widths.front(), widths.back(), 7, seed), "mlp:test");
}

// ∂f/∂x by central differences of Mlp::predict (independent of the forward accumulation).
Mat central_difference_jacobian(const Mlp& mlp, const Vec& theta, const Vec& x, double h = 1e-6) {
  const Index d = x.size();
  Mat out(mlp.layout().widths().back(), d);
  for (Index j = 0; j < d; ++j) {
    Vec plus = x, minus = x;
    plus(j) += h;
    minus(j) -= h;
    out.col(j) = (mlp.predict(theta, plus) - mlp.predict(theta, minus)) / (2.0 * h);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(jacobian_matches_central_differences_of_predict) {
  for (Activation act : {Activation::tanh, Activation::softplus, Activation::linear}) {
    for (bool bias : {false, true}) {
      Mlp mlp = make_mlp({5, 7, 6, 3}, act, bias);
      const Vec theta = initial_point("init:gaussian,gain=1.3,seed=11,bias=0.2", mlp);
      const Vec x = Rng(4).normal_vector(5);
      const Mat j = input_output_jacobian(mlp, theta, x);
      const Mat fd = central_difference_jacobian(mlp, theta, x);
      BOOST_TEST_CONTEXT("activation " << activation_name(act) << ", bias " << bias) {
        BOOST_TEST(j.rows() == 3);
        BOOST_TEST(j.cols() == 5);
        BOOST_TEST((j - fd).norm() / fd.norm() < 1e-7);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(factors_multiply_to_the_jacobian) {
  Mlp mlp = make_mlp({6, 6, 6, 6, 6}, Activation::tanh, true);
  const Vec theta = initial_point("init:orthogonal,gain=1.2,seed=5,bias=0.1", mlp);
  const Vec x = Rng(9).normal_vector(6);
  const auto factors = input_output_jacobian_factors(mlp.layout(), Activation::tanh, theta, x);
  BOOST_TEST(factors.size() == 4u);
  Mat p = factors[0];
  for (std::size_t l = 1; l < factors.size(); ++l) p = (factors[l] * p).eval();
  BOOST_TEST((p - input_output_jacobian(mlp, theta, x)).norm() < 1e-13 * p.norm());
  // Where the explicit product is well conditioned, the product SVD equals BDCSVD.
  const Vec a = product_singular_values(factors).singular_values;
  const Vec b = singular_values(p);
  BOOST_TEST((a - b).norm() < 1e-12 * b(0));
}

BOOST_AUTO_TEST_CASE(orthogonal_linear_chain_has_singular_values_gain_to_the_depth) {
  // Saxe et al. 2013: J = g^L Q_L ⋯ Q_1, every singular value g^L (dynamical isometry at g=1).
  const Index width = 16;
  for (int depth : {1, 5, 32}) {
    for (double gain : {0.5, 1.0, 1.5}) {
      Mlp mlp = make_mlp(std::vector<Index>(depth + 1, width), Activation::linear, false);
      const Vec theta = initial_point("init:orthogonal,gain=" + std::to_string(gain) + ",seed=21", mlp);
      const Vec x = Rng(1).normal_vector(width);
      const Vec s = input_output_singular_values(mlp.layout(), Activation::linear, theta, x);
      const double expected = std::pow(gain, depth);
      BOOST_TEST_CONTEXT("depth " << depth << ", gain " << gain) {
        BOOST_TEST(s.size() == width);
        BOOST_TEST((s.array() / expected - 1.0).abs().maxCoeff() < 1e-10);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(product_svd_resolves_graded_products) {
  // F_l = Q_l diag(d) Q_{l−1}ᵀ: P = Q_L diag(d)^L Q_0ᵀ, singular values d_i^L spanning
  // ~220 decades, far beyond an SVD of the explicit product.
  const Index n = 24;
  const int depth = 64;
  Rng rng(17);
  auto haar = [&]() {
    Eigen::HouseholderQR<Mat> qr(rng.normal_matrix(n, n));
    return Mat(qr.householderQ());
  };
  Vec d(n);
  for (Index i = 0; i < n; ++i) d(i) = std::exp(-static_cast<double>(i) / 8.0);
  std::vector<Mat> factors;
  Mat previous = haar();
  for (int l = 0; l < depth; ++l) {
    Mat next = haar();
    factors.push_back(next * d.asDiagonal() * previous.transpose());
    previous = next;
  }
  const auto result = product_singular_values(factors);
  for (Index i = 0; i < n; ++i)
    BOOST_TEST(std::abs(std::log(result.singular_values(i)) - depth * std::log(d(i))) < 1e-9);
}

BOOST_AUTO_TEST_CASE(product_svd_mean_log_equals_log_determinant) {
  // (1/n) Σ ln s_i = (1/n) Σ_l ln|det F_l| exactly, for Gaussian chains spanning ~80 decades.
  const Index n = 32;
  Rng rng(23);
  std::vector<Mat> factors;
  double logdet = 0.0;
  for (int l = 0; l < 48; ++l) {
    factors.push_back(rng.normal_matrix(n, n) / std::sqrt(static_cast<double>(n)));
    logdet += std::log(std::abs(factors.back().partialPivLu().determinant()));
  }
  const auto result = product_singular_values(factors);
  BOOST_TEST(std::abs(result.singular_values.array().log().mean() - logdet / n) < 1e-10);
  BOOST_TEST(result.last_change < 1e-10);
  // The same singular values from the reversed, transposed product (Pᵀ).
  std::vector<Mat> transposed;
  for (auto it = factors.rbegin(); it != factors.rend(); ++it) transposed.push_back(it->transpose());
  const Vec other = product_singular_values(transposed).singular_values;
  BOOST_TEST((result.singular_values.array().log() - other.array().log()).abs().maxCoeff() < 1e-8);
}

BOOST_AUTO_TEST_CASE(layer_gradient_norms_match_deep_linear_closed_form) {
  // F = (1/2n) ‖W_L⋯W_1 X − Y‖²_F:  ∂F/∂W_l = (W_L⋯W_{l+1})ᵀ E (W_{l−1}⋯W_1 X)ᵀ / n,
  // E = W_L⋯W_1 X − Y.
  const std::vector<Index> widths = {4, 6, 5, 7, 3};
  Mlp mlp = make_mlp(widths, Activation::linear, false);
  const Vec theta = initial_point("init:gaussian,gain=1.1,seed=8", mlp);
  const auto& layout = mlp.layout();
  const Index layers = layout.num_layers();
  const Mat& x = mlp.data().inputs;
  const Mat& y = mlp.data().targets;
  const double n = static_cast<double>(x.cols());
  std::vector<Mat> w;
  for (Index l = 0; l < layers; ++l) w.push_back(layout.weight(theta, l));
  auto product = [&](Index from, Index to) {  // W_to ⋯ W_from (0-based, inclusive); I if empty
    Mat p = Mat::Identity(widths[from], widths[from]);
    for (Index l = from; l <= to; ++l) p = (w[l] * p).eval();
    return p;
  };
  const Mat e = product(0, layers - 1) * x - y;
  const auto norms = layer_gradient_norms(mlp.parameter_blocks(), mlp.gradient(theta));
  BOOST_TEST(static_cast<Index>(norms.size()) == layers);
  for (Index l = 0; l < layers; ++l) {
    const Mat after = product(l + 1, layers - 1);  // W_L ⋯ W_{l+1}
    const Mat before = product(0, l - 1) * x;      // W_{l−1} ⋯ W_1 X
    const Mat closed = after.transpose() * e * before.transpose() / n;
    BOOST_TEST(std::abs(norms[l] - closed.norm()) < 1e-12 * closed.norm(), "layer " << l);
  }
}

BOOST_AUTO_TEST_CASE(layer_gradient_norms_match_finite_difference_slices) {
  Mlp mlp = make_mlp({3, 5, 4, 2}, Activation::tanh, true);
  const Vec theta = initial_point("init:gaussian,gain=1.0,seed=2,bias=0.1", mlp);
  const auto blocks = mlp.parameter_blocks();
  // Central differences of F, then the Frobenius norm of each weight slice.
  Vec fd(theta.size());
  const double h = 1e-6;
  for (Index i = 0; i < theta.size(); ++i) {
    Vec plus = theta, minus = theta;
    plus(i) += h;
    minus(i) -= h;
    fd(i) = (mlp.value(plus) - mlp.value(minus)) / (2.0 * h);
  }
  const auto exact = layer_gradient_norms(blocks, mlp.gradient(theta));
  const auto reference = layer_gradient_norms(blocks, fd);
  BOOST_TEST(exact.size() == 3u);
  for (std::size_t l = 0; l < exact.size(); ++l)
    BOOST_TEST(std::abs(exact[l] - reference[l]) < 1e-7 * reference[l], "layer " << l);
  // block_norms covers every block (weights and biases) in order.
  const auto all = block_norms(blocks, fd);
  BOOST_TEST(all.size() == blocks.size());
  BOOST_TEST(all[1].name == "0.bias");
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_input_errors) {
  Mlp mlp = make_mlp({3, 4, 2}, Activation::tanh, false);
  const Vec theta = Vec::Zero(mlp.dim());
  BOOST_CHECK_THROW(input_output_jacobian(mlp, theta, Vec::Zero(4)), InputError);
  BOOST_CHECK_THROW(input_output_jacobian(mlp, Vec::Zero(3), Vec::Zero(3)), InputError);
  std::vector<ParameterBlock> blocks = {{"w", ParameterBlock::Kind::weight, 2, 3, 3}};
  BOOST_CHECK_THROW(block_norms(blocks, Vec::Zero(5)), InputError);
}

BOOST_AUTO_TEST_CASE(summary_of_singular_values) {
  Vec s(4);
  s << 8.0, 4.0, 2.0, 1.0;
  const auto m = summarize_singular_values(s);
  BOOST_TEST(m.max == 8.0);
  BOOST_TEST(m.min == 1.0);
  BOOST_TEST(m.median == 3.0);
  BOOST_TEST(std::abs(m.mean_log - 1.5 * std::log(2.0)) < 1e-15);
  BOOST_TEST(m.condition == 8.0);
}
