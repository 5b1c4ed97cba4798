// Tests of the MLP objective family (mlp, deep_linear, logistic/softmax regression).
// Every check compares against an independent computation: central differences, explicit
// scalar loops, or closed forms; never against the code's own earlier output.
#define BOOST_TEST_MODULE mlp
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/activation.hpp"
#include "optdyn/objectives/deep_linear.hpp"
#include "optdyn/objectives/logistic_regression.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/softmax_regression.hpp"
#include "support/finite_differences.hpp"
#include "support/mlp_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

const std::vector<Activation> kActivations = {Activation::tanh, Activation::relu, Activation::softplus,
                                              Activation::linear};
const std::vector<MlpLoss> kLosses = {MlpLoss::mse, MlpLoss::cross_entropy, MlpLoss::binary_cross_entropy};

Mlp make_net(std::vector<Index> widths, Activation act, MlpLoss loss, bool bias, double l2, Index n,
             std::uint64_t seed) {
  return synthetic_mlp({std::move(widths), act, loss, bias, l2}, n, seed);
}

std::string label(Activation act, MlpLoss loss, bool bias) {
  return std::string(activation_name(act)) + "/" + std::string(mlp_loss_name(loss)) + (bias ? "/bias" : "/nobias");
}

// Central-difference Jacobian-vector product of the residual map.
Vec fd_residual_jv(const LeastSquaresAccess& ls, const Vec& theta, const Vec& v, double h = 1e-5) {
  return (ls.residuals(theta + h * v) - ls.residuals(theta - h * v)) / (2 * h);
}

}  // namespace

// --------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(activations)

BOOST_AUTO_TEST_CASE(scalar_derivatives_match_finite_differences) {
  const double h = 1e-5;
  for (Activation a : kActivations)
    for (double z : {-3.1, -0.7, -0.2, 0.3, 0.9, 2.4}) {
      const double d1 = (activation_value(a, z + h) - activation_value(a, z - h)) / (2 * h);
      const double d2 = (activation_derivative(a, z + h) - activation_derivative(a, z - h)) / (2 * h);
      BOOST_TEST(std::abs(activation_derivative(a, z) - d1) < 1e-8, activation_name(a) << " z=" << z);
      BOOST_TEST(std::abs(activation_second_derivative(a, z) - d2) < 1e-8, activation_name(a) << " z=" << z);
    }
  BOOST_TEST(activation_value(Activation::softplus, 800.0) == 800.0);  // no overflow
  BOOST_TEST(activation_value(Activation::softplus, -800.0) >= 0.0);
  BOOST_TEST(activation_derivative(Activation::relu, 0.0) == 0.0);  // PyTorch's convention
}

BOOST_AUTO_TEST_CASE(batched_forms_agree_with_scalar_forms) {
  Rng rng(3);
  const Mat z = 2.0 * rng.normal_matrix(4, 7);
  const Mat g = rng.normal_matrix(4, 7), rz = rng.normal_matrix(4, 7), q0 = rng.normal_matrix(4, 7);
  for (Activation act : kActivations) {
    Mat a = z;
    activation_apply(act, a);
    Mat back = g;
    activation_backprop(act, a, back);
    Mat p = g, q = q0;
    activation_r_backprop(act, a, p, q, rz);
    for (Index j = 0; j < z.cols(); ++j)
      for (Index i = 0; i < z.rows(); ++i) {
        const double s1 = activation_derivative(act, z(i, j)), s2 = activation_second_derivative(act, z(i, j));
        BOOST_TEST(std::abs(a(i, j) - activation_value(act, z(i, j))) < 1e-14);
        BOOST_TEST(std::abs(back(i, j) - s1 * g(i, j)) < 1e-13);
        BOOST_TEST(std::abs(p(i, j) - s1 * g(i, j)) < 1e-13);
        BOOST_TEST(std::abs(q(i, j) - (s1 * q0(i, j) + s2 * g(i, j) * rz(i, j))) < 1e-13);
      }
  }
  BOOST_CHECK_THROW(parse_activation("sigmoid"), InputError);
}

BOOST_AUTO_TEST_CASE(batched_tanh_is_accurate_to_a_few_ulps) {
  // The batched tanh is a vectorised rational/exp formula (Cephes); compare with std::tanh
  // in relative terms over many scales, including tiny and saturating arguments.
  std::vector<double> values;
  for (double scale : {1e-300, 1e-12, 1e-4, 0.3, 0.6249, 0.625, 0.9, 3.0, 19.0, 400.0})
    for (double f : {-1.7, -1.0, -0.31, 0.29, 1.0, 1.3}) values.push_back(scale * f);
  values.push_back(0.0);
  const Mat z = Eigen::Map<const Mat>(values.data(), 1, static_cast<Index>(values.size()));
  Mat a = z;
  activation_apply(Activation::tanh, a);
  for (Index j = 0; j < z.cols(); ++j) {
    const double expected = std::tanh(z(0, j));
    BOOST_TEST(std::abs(a(0, j) - expected) <= 4e-16 * std::abs(expected), "z=" << z(0, j));
  }
}

BOOST_AUTO_TEST_SUITE_END()

// --------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(layout)

BOOST_AUTO_TEST_CASE(blocks_follow_pytorch_sequential_order) {
  // nn.Sequential(Linear(3,4), Tanh(), Linear(4,2), Tanh(), Linear(2,5)):
  // 0.weight (4x3) 0.bias (4) 2.weight (2x4) 2.bias (2) 4.weight (5x2) 4.bias (5).
  MlpLayout with_bias({3, 4, 2, 5}, true);
  const auto blocks = with_bias.blocks();
  BOOST_TEST_REQUIRE(blocks.size() == 6u);
  const std::vector<std::string> names = {"0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"};
  const std::vector<Index> offsets = {0, 12, 16, 24, 26, 36}, rows = {4, 4, 2, 2, 5, 5}, cols = {3, 1, 4, 1, 2, 1};
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    BOOST_TEST(blocks[b].name == names[b]);
    BOOST_TEST(blocks[b].offset == offsets[b]);
    BOOST_TEST(blocks[b].rows == rows[b]);
    BOOST_TEST(blocks[b].cols == cols[b]);
    BOOST_TEST((blocks[b].kind == (b % 2 == 0 ? ParameterBlock::Kind::weight : ParameterBlock::Kind::bias)));
  }
  BOOST_TEST(with_bias.size() == 41);

  MlpLayout no_bias({3, 4, 2, 5}, false);
  const auto nb = no_bias.blocks();
  BOOST_TEST_REQUIRE(nb.size() == 3u);
  BOOST_TEST(nb[1].name == "2.weight");
  BOOST_TEST(nb[1].offset == 12);
  BOOST_TEST(nb[2].offset == 20);
  BOOST_TEST(no_bias.size() == 30);
  BOOST_TEST(no_bias.bias_offset(0) == -1);

  // Row-major weights: θ[offset + r*cols + c] is W(r, c).
  Vec theta = Vec::LinSpaced(41, 0, 40);
  const auto w2 = with_bias.weight(theta, 1);
  BOOST_TEST(w2(1, 2) == 16 + 1 * 4 + 2);
  BOOST_TEST(with_bias.bias(theta, 2)(3) == 36 + 3);

  BOOST_CHECK_THROW(MlpLayout({3}, true), InputError);
  BOOST_CHECK_THROW(MlpLayout({3, 0, 2}, true), InputError);
}

BOOST_AUTO_TEST_CASE(predict_equals_hand_computation) {
  // widths 2-3-1, tanh: theta = [W0 (3x2 row-major), b0 (3), W1 (1x3), b1 (1)].
  const double w0[3][2] = {{0.5, -1.0}, {0.25, 2.0}, {-0.75, 0.1}};
  const double b0[3] = {0.1, -0.2, 0.3};
  const double w1[3] = {1.5, -0.5, 2.0};
  const double b1 = -0.4;
  Vec theta(13);
  theta << 0.5, -1.0, 0.25, 2.0, -0.75, 0.1, 0.1, -0.2, 0.3, 1.5, -0.5, 2.0, -0.4;
  Mat x(2, 3);
  x << 1.0, -2.0, 0.3, 0.5, 0.7, -1.1;

  Dataset data;
  data.inputs = x;
  data.targets = Mat::Zero(1, 3);
  const Mlp net({{2, 3, 1}, Activation::tanh, MlpLoss::mse, true, 0.0}, data, "hand");
  const Mat f = net.predict(theta, x);
  BOOST_TEST_REQUIRE(f.rows() == 1);
  BOOST_TEST_REQUIRE(f.cols() == 3);
  double mse = 0.0;
  for (int s = 0; s < 3; ++s) {
    double out = b1;
    for (int j = 0; j < 3; ++j) {
      const double z = w0[j][0] * x(0, s) + w0[j][1] * x(1, s) + b0[j];
      out += w1[j] * std::tanh(z);
    }
    BOOST_TEST(std::abs(f(0, s) - out) < 1e-14);
    mse += 0.5 * out * out / 3.0;
  }
  BOOST_TEST(std::abs(net.value(theta) - mse) < 1e-14);
  BOOST_CHECK_THROW(net.predict(theta, Mat::Zero(3, 2)), InputError);
  BOOST_CHECK_THROW(net.predict(Vec::Zero(12), x), InputError);
}

BOOST_AUTO_TEST_SUITE_END()

// --------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(derivatives)

BOOST_AUTO_TEST_CASE(gradient_and_hvp_match_central_differences) {
  std::uint64_t seed = 10;
  for (Activation act : kActivations)
    for (MlpLoss loss : kLosses)
      for (bool bias : {true, false}) {
        const Index k = loss == MlpLoss::binary_cross_entropy ? 1 : 3;
        const Mlp net = make_net({4, 5, 3, k}, act, loss, bias, 0.0, 7, ++seed);
        const Vec theta = random_point(net.dim(), ++seed, 0.7);
        const Vec v = random_point(net.dim(), ++seed);
        const Vec g = net.gradient(theta);
        const double eg = relative_error(g, central_difference_gradient(net, theta));
        const double eh = relative_error(net.hessian_vector(theta, v), central_difference_hvp(net, theta, v));
        BOOST_TEST(eg <= 1e-6, label(act, loss, bias) << " gradient rel. error " << eg);
        BOOST_TEST(eh <= 1e-6, label(act, loss, bias) << " HVP rel. error " << eh);
        BOOST_TEST(g.norm() > 1e-3);  // not a vacuous comparison
      }
}

BOOST_AUTO_TEST_CASE(single_layer_and_deep_nets) {
  // One layer (no hidden activation: the HVP skips δ) and four layers.
  std::uint64_t seed = 100;
  for (MlpLoss loss : kLosses)
    for (const std::vector<Index>& hidden : {std::vector<Index>{}, std::vector<Index>{3, 4, 2}}) {
      std::vector<Index> widths = {5};
      widths.insert(widths.end(), hidden.begin(), hidden.end());
      widths.push_back(loss == MlpLoss::binary_cross_entropy ? 1 : 4);
      const Mlp net = make_net(widths, Activation::tanh, loss, true, 0.0, 9, ++seed);
      const Vec theta = random_point(net.dim(), ++seed, 0.8);
      const Vec v = random_point(net.dim(), ++seed);
      BOOST_TEST(relative_error(net.gradient(theta), central_difference_gradient(net, theta)) <= 1e-6);
      BOOST_TEST(relative_error(net.hessian_vector(theta, v), central_difference_hvp(net, theta, v)) <= 1e-6);
    }
}

BOOST_AUTO_TEST_CASE(hvp_is_symmetric) {
  std::uint64_t seed = 200;
  for (Activation act : kActivations)
    for (MlpLoss loss : kLosses) {
      const Index k = loss == MlpLoss::binary_cross_entropy ? 1 : 3;
      const Mlp net = make_net({4, 6, k}, act, loss, true, 0.0, 8, ++seed);
      const Vec theta = random_point(net.dim(), ++seed, 0.7);
      const Vec u = random_point(net.dim(), ++seed), v = random_point(net.dim(), ++seed);
      const double uhv = u.dot(net.hessian_vector(theta, v)), vhu = v.dot(net.hessian_vector(theta, u));
      BOOST_TEST(std::abs(uhv - vhu) <= 1e-12 * (std::abs(uhv) + 1.0), label(act, loss, true));
    }
}

BOOST_AUTO_TEST_CASE(dense_hessian_is_symmetric_and_matches_finite_differences) {
  std::uint64_t seed = 300;
  for (MlpLoss loss : kLosses) {
    const Index k = loss == MlpLoss::binary_cross_entropy ? 1 : 2;
    const Mlp net = make_net({3, 4, k}, Activation::softplus, loss, true, 0.0, 6, ++seed);
    const Vec theta = random_point(net.dim(), ++seed, 0.8);
    const Index d = net.dim();
    // Unsymmetrised stacked HVPs: exact symmetry up to round-off.
    Mat stacked(d, d);
    for (Index j = 0; j < d; ++j) stacked.col(j) = net.hessian_vector(theta, Vec::Unit(d, j));
    BOOST_TEST((stacked - stacked.transpose()).norm() <= 1e-13 * stacked.norm());
    // Finite-difference Hessian, column by column from gradients.
    Mat fd(d, d);
    for (Index j = 0; j < d; ++j) fd.col(j) = central_difference_hvp(net, theta, Vec::Unit(d, j));
    const Mat h = net.hessian(theta);
    BOOST_TEST((h - h.transpose()).norm() == 0.0);
    BOOST_TEST((h - fd).norm() <= 1e-6 * fd.norm(), mlp_loss_name(loss));
  }
}

BOOST_AUTO_TEST_CASE(minibatches_of_a_partition_average_to_the_full_batch) {
  const Mlp net = make_net({4, 5, 3}, Activation::tanh, MlpLoss::cross_entropy, true, 0.05, 10, 400);
  const Vec theta = random_point(net.dim(), 401, 0.7);
  const Vec v = random_point(net.dim(), 402);
  // A shuffled partition of 0..9 into batches of sizes 3, 1, 4, 2.
  std::vector<Index> order = {7, 2, 9, 0, 5, 3, 8, 1, 6, 4};
  const std::vector<std::size_t> sizes = {3, 1, 4, 2};
  double value = 0.0;
  Vec grad = Vec::Zero(net.dim()), hv = Vec::Zero(net.dim());
  std::size_t start = 0;
  net.reset_counters();
  for (std::size_t s : sizes) {
    const Batch batch(order.data() + start, s);
    Vec gb, hb;
    const double w = static_cast<double>(s) / 10.0;
    value += w * net.batch_value_and_gradient(theta, batch, gb);
    net.batch_hessian_vector(theta, batch, v, hb);
    grad += w * gb;
    hv += w * hb;
    start += s;
  }
  BOOST_TEST(net.counters().samples == 20u);
  Vec g_full;
  const double f_full = net.value_and_gradient(theta, g_full);
  BOOST_TEST(std::abs(value - f_full) <= 1e-13 * std::abs(f_full));
  BOOST_TEST(relative_error(grad, g_full) <= 1e-13);
  BOOST_TEST(relative_error(hv, net.hessian_vector(theta, v)) <= 1e-13);

  // A single-sample batch is the per-sample loss: compare with a 1-sample data set.
  const std::vector<Index> one = {6};
  Dataset single;
  single.inputs = net.data().inputs.col(6);
  single.targets = net.data().targets.col(6);
  const Mlp net1(net.architecture(), single, "single");
  BOOST_TEST(std::abs(net.batch_value(theta, one) - net1.value(theta)) <= 1e-14);
  BOOST_CHECK_THROW(net.batch_value(theta, std::vector<Index>{10}), InputError);
}

BOOST_AUTO_TEST_CASE(l2_adds_exactly_l2_theta) {
  const Mlp plain = make_net({4, 5, 3}, Activation::relu, MlpLoss::mse, true, 0.0, 8, 500);
  MlpArchitecture arch = plain.architecture();
  arch.l2 = 0.3;
  const Mlp reg(arch, plain.data(), "l2");
  const Vec theta = random_point(plain.dim(), 501), v = random_point(plain.dim(), 502);
  BOOST_TEST(relative_error(reg.gradient(theta) - plain.gradient(theta), 0.3 * theta) <= 1e-14);
  BOOST_TEST(std::abs(reg.value(theta) - plain.value(theta) - 0.15 * theta.squaredNorm()) <= 1e-12);
  BOOST_TEST(relative_error(reg.hessian_vector(theta, v) - plain.hessian_vector(theta, v), 0.3 * v) <= 1e-13);
  BOOST_TEST(reg.least_squares() == nullptr);
  BOOST_TEST(plain.least_squares() != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

// --------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(losses)

BOOST_AUTO_TEST_CASE(cross_entropy_gradient_of_logits_is_softmax_minus_onehot) {
  // One linear layer and one sample: ∂F/∂b = softmax(f) − e_y and ∂F/∂W = (softmax − e_y) xᵀ,
  // F = −log softmax(f)_y (PyTorch's CrossEntropyLoss).
  Rng rng(600);
  Dataset data;
  data.inputs = rng.normal_matrix(3, 1);
  data.labels = {2};
  data.targets = Mat::Zero(4, 1);
  data.targets(2, 0) = 1.0;
  const Mlp net({{3, 4}, Activation::linear, MlpLoss::cross_entropy, true, 0.0}, data, "ce");
  const Vec theta = random_point(net.dim(), 601, 2.0);
  // logits by hand
  double f[4], mx = -1e300;
  for (int r = 0; r < 4; ++r) {
    f[r] = theta[12 + r];
    for (int c = 0; c < 3; ++c) f[r] += theta[3 * r + c] * data.inputs(c, 0);
    mx = std::max(mx, f[r]);
  }
  double z = 0.0;
  for (double fr : f) z += std::exp(fr - mx);
  const double loss = -(f[2] - mx - std::log(z));
  Vec g;
  BOOST_TEST(std::abs(net.value_and_gradient(theta, g) - loss) <= 1e-13 * loss);
  for (int r = 0; r < 4; ++r) {
    const double dr = std::exp(f[r] - mx) / z - (r == 2 ? 1.0 : 0.0);
    BOOST_TEST(std::abs(g[12 + r] - dr) <= 1e-14);
    for (int c = 0; c < 3; ++c) BOOST_TEST(std::abs(g[3 * r + c] - dr * data.inputs(c, 0)) <= 1e-14);
  }
}

BOOST_AUTO_TEST_CASE(loss_values_match_scalar_formulas) {
  for (MlpLoss loss : kLosses) {
    const Index k = loss == MlpLoss::binary_cross_entropy ? 1 : 3;
    const Mlp net = make_net({4, 5, k}, Activation::tanh, loss, true, 0.0, 11, 700);
    const Vec theta = random_point(net.dim(), 701, 1.5);
    const Mat f = net.predict(theta, net.data().inputs);
    double expected = 0.0;
    for (Index i = 0; i < 11; ++i) {
      if (loss == MlpLoss::mse) {
        for (Index r = 0; r < k; ++r) expected += 0.5 * std::pow(f(r, i) - net.data().targets(r, i), 2);
      } else if (loss == MlpLoss::cross_entropy) {
        double z = 0.0;
        for (Index r = 0; r < k; ++r) z += std::exp(f(r, i));
        expected += std::log(z) - f(net.data().labels[i], i);
      } else {
        const double s = net.data().labels[i] == 1 ? 1.0 : -1.0;  // log(1 + e^{−s f})
        expected += std::log1p(std::exp(-s * f(0, i)));
      }
    }
    expected /= 11.0;
    BOOST_TEST(std::abs(net.value(theta) - expected) <= 1e-13 * expected, mlp_loss_name(loss));
  }
}

BOOST_AUTO_TEST_CASE(bce_from_labels_equals_bce_from_a_target_row) {
  Dataset rows = synthetic_data(3, 1, 9, MlpLoss::binary_cross_entropy, 800);
  Dataset labelled = rows;
  labelled.targets = Mat::Zero(2, 9);  // one-hot over 2 classes, as make_dataset gives
  for (Index i = 0; i < 9; ++i) labelled.targets(labelled.labels[i], i) = 1.0;
  const MlpArchitecture arch{{3, 4, 1}, Activation::tanh, MlpLoss::binary_cross_entropy, true, 0.0};
  const Mlp a(arch, rows, "a"), b(arch, labelled, "b");
  BOOST_TEST((a.loss_targets() - b.loss_targets()).norm() == 0.0);
  const Vec theta = random_point(a.dim(), 801);
  BOOST_TEST(a.value(theta) == b.value(theta));
}

BOOST_AUTO_TEST_CASE(bad_architectures_are_input_errors) {
  const Dataset data = synthetic_data(3, 2, 5, MlpLoss::cross_entropy, 900);
  BOOST_CHECK_THROW(Mlp({{4, 2}, Activation::tanh, MlpLoss::mse, true, 0.0}, data, "x"), InputError);
  BOOST_CHECK_THROW(Mlp({{3, 2}, Activation::tanh, MlpLoss::binary_cross_entropy, true, 0.0}, data, "x"),
                    InputError);
  BOOST_CHECK_THROW(Mlp({{3, 2}, Activation::tanh, MlpLoss::mse, true, -1.0}, data, "x"), InputError);
  const Dataset reg = synthetic_data(3, 2, 5, MlpLoss::mse, 901);
  BOOST_CHECK_THROW(Mlp({{3, 2}, Activation::tanh, MlpLoss::cross_entropy, true, 0.0}, reg, "x"), InputError);
  BOOST_CHECK_THROW(parse_mlp_loss("hinge"), InputError);
}

BOOST_AUTO_TEST_SUITE_END()

// --------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(closed_forms)

BOOST_AUTO_TEST_CASE(deep_linear_gradient_equals_closed_form) {
  // F = (1/2n)‖W_L⋯W_1 X − Y‖²  ⇒  ∂F/∂W_l = (W_L⋯W_{l+1})ᵀ E (W_{l−1}⋯W_1 X)ᵀ / n, E = W_L⋯W_1 X − Y.
  const std::vector<Index> widths = {4, 3, 5, 2};
  const Index n = 13;
  const Mlp net = make_net(widths, Activation::linear, MlpLoss::mse, false, 0.0, n, 1000);
  const Vec theta = random_point(net.dim(), 1001);
  std::vector<Mat> w;
  Index offset = 0;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    Mat wl(widths[l + 1], widths[l]);
    for (Index r = 0; r < wl.rows(); ++r)
      for (Index c = 0; c < wl.cols(); ++c) wl(r, c) = theta[offset++];
    w.push_back(wl);
  }
  const Mat& x = net.data().inputs;
  const Mat e = w[2] * w[1] * w[0] * x - net.data().targets;
  const Vec g = net.gradient(theta);
  const std::vector<Mat> expected = {(w[2] * w[1]).transpose() * e * x.transpose() / n,
                                     w[2].transpose() * e * (w[0] * x).transpose() / n,
                                     e * (w[1] * w[0] * x).transpose() / n};
  offset = 0;
  for (std::size_t l = 0; l < 3; ++l) {
    const Mat& ex = expected[l];
    for (Index r = 0; r < ex.rows(); ++r)
      for (Index c = 0; c < ex.cols(); ++c, ++offset)
        BOOST_TEST(std::abs(g[offset] - ex(r, c)) <= 1e-13 * (1.0 + ex.norm()));
  }
  BOOST_TEST(offset == net.dim());
  BOOST_TEST(std::abs(net.value(theta) - 0.5 * e.squaredNorm() / n) <= 1e-13 * e.squaredNorm());
}

BOOST_AUTO_TEST_CASE(least_squares_view) {
  std::uint64_t seed = 1100;
  for (Activation act : kActivations) {
    const Mlp net = make_net({3, 5, 2}, act, MlpLoss::mse, true, 0.0, 7, ++seed);
    const LeastSquaresAccess* ls = net.least_squares();
    BOOST_TEST_REQUIRE(ls != nullptr);
    const Vec theta = random_point(net.dim(), ++seed, 0.8), v = random_point(net.dim(), ++seed);
    BOOST_TEST(ls->num_residuals() == 14);
    const Vec r = ls->residuals(theta);
    BOOST_TEST_REQUIRE(r.size() == 14);
    BOOST_TEST(std::abs(0.5 * r.squaredNorm() - net.value(theta)) <= 1e-14 * net.value(theta));
    // Sample-major: r[2 i + j] = (f_j(x_i) − y_ji)/√n.
    const Mat f = net.predict(theta, net.data().inputs);
    BOOST_TEST(std::abs(r[2 * 3 + 1] - (f(1, 3) - net.data().targets(1, 3)) / std::sqrt(7.0)) <= 1e-15);
    const Vec jv = ls->jacobian_vector(theta, v);
    BOOST_TEST(relative_error(jv, fd_residual_jv(*ls, theta, v)) <= 1e-7, activation_name(act));
    const Vec u = random_point(14, ++seed);
    const Vec jtu = ls->jacobian_transpose_vector(theta, u);
    BOOST_TEST(std::abs(u.dot(jv) - jtu.dot(v)) <= 1e-12 * (std::abs(u.dot(jv)) + 1.0));
    // Jᵀ r = ∇F (F = ½‖r‖²), checked against central differences of F.
    BOOST_TEST(relative_error(ls->jacobian_transpose_vector(theta, r), central_difference_gradient(net, theta)) <=
               1e-6);
    BOOST_CHECK_THROW(ls->jacobian_transpose_vector(theta, Vec::Zero(13)), InputError);
  }
  const Mlp ce = make_net({3, 2}, Activation::tanh, MlpLoss::cross_entropy, true, 0.0, 5, 1200);
  BOOST_TEST(ce.least_squares() == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

// --------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(spec_entries)

BOOST_AUTO_TEST_CASE(entries_build_mlps_with_the_documented_shapes) {
  Registry<ObjectivePtr> registry("objective");
  registry.add(mlp_entry());
  registry.add(deep_linear_entry());
  registry.add(logistic_regression_entry());
  registry.add(softmax_regression_entry());

  auto mlp = registry.make("mlp:widths=5-4-3,act=softplus,loss=mse,bias=false,data=gaussian,n=20");
  BOOST_TEST(mlp->dim() == 5 * 4 + 4 * 3);
  BOOST_TEST(mlp->num_samples() == 20);
  const auto* as_mlp = dynamic_cast<const Mlp*>(mlp.get());
  BOOST_TEST_REQUIRE(as_mlp != nullptr);
  BOOST_TEST((as_mlp->architecture().activation == Activation::softplus));
  BOOST_TEST(as_mlp->least_squares() != nullptr);
  BOOST_TEST(mlp->parameter_blocks()[1].name == "2.weight");

  auto saxe = registry.make("deep_linear");  // defaults: Saxe's hierarchical data, 32-32-1000
  BOOST_TEST(saxe->dim() == 32 * 32 + 32 * 1000);
  BOOST_TEST(saxe->num_samples() == 32);
  auto deep = registry.make("deep_linear:widths=32-16-8-1000");
  BOOST_TEST(deep->dim() == 32 * 16 + 16 * 8 + 8 * 1000);
  BOOST_TEST(deep->num_samples() == 32);
  BOOST_TEST(deep->least_squares() != nullptr);

  auto logistic = registry.make("logistic_regression:dim=6,n=50");
  BOOST_TEST(logistic->dim() == 7);
  const auto* lr = dynamic_cast<const Mlp*>(logistic.get());
  BOOST_TEST_REQUIRE(lr != nullptr);
  BOOST_TEST((lr->architecture().loss == MlpLoss::binary_cross_entropy));
  BOOST_TEST(lr->architecture().l2 == 1e-3);
  const double ones = lr->loss_targets().sum();
  BOOST_TEST(ones > 0.0);  // both classes present
  BOOST_TEST(ones < 50.0);
  const Vec t = random_point(logistic->dim(), 1300);
  BOOST_TEST(relative_error(logistic->gradient(t), central_difference_gradient(*logistic, t)) <= 1e-6);

  auto softmax = registry.make("softmax_regression:dim=5,classes=3,data=gaussian,targets=labels,n=30");
  BOOST_TEST(softmax->dim() == 5 * 3 + 3);

  BOOST_CHECK_THROW(registry.make("mlp:widths=5-4-3,data=gaussian,colour=red"), InputError);
  BOOST_CHECK_THROW(registry.make("mlp:widths=5,data=gaussian"), InputError);
  BOOST_CHECK_THROW(registry.make("mlp:widths=5-x-3,data=gaussian"), InputError);
  BOOST_CHECK_THROW(registry.make("mlp:widths=5-4-3,act=sigmoid,data=gaussian"), InputError);
  BOOST_CHECK_THROW(registry.make("mlp:widths=5-4-3,loss=hinge,data=gaussian"), InputError);
  BOOST_CHECK_THROW(registry.make("mlp:widths=5-4-3,l2=-1,data=gaussian"), InputError);
}

BOOST_AUTO_TEST_SUITE_END()

// The zero-skipping first-layer products (sparse_input.hpp) against the dense GEMMs: every
// full-batch quantity of a net on inputs that are half zeros (as image pixels are) must agree
// to rounding, through every path that multiplies by X or Xᵀ.
BOOST_AUTO_TEST_CASE(sparse_first_layer_equals_dense_products) {
  for (MlpLoss loss : {MlpLoss::mse, MlpLoss::cross_entropy})
    for (Activation act : {Activation::tanh, Activation::relu}) {
      BOOST_TEST_CONTEXT(label(act, loss, true)) {
        Dataset data = synthetic_data(30, 3, 120, loss, 21);
        data.inputs = data.inputs.cwiseMax(0.0);  // half zeros
        MlpArchitecture arch{{30, 20, 3}, act, loss, true, 0.0};
        arch.sparse_input = false;
        const Mlp dense(arch, data, "dense");
        arch.sparse_input = true;
        const Mlp sparse(arch, data, "sparse");
        BOOST_REQUIRE(sparse.sparse_first_layer());
        BOOST_REQUIRE(!dense.sparse_first_layer());
        Rng rng(4);
        const Vec theta = 0.4 * rng.normal_vector(dense.dim()), v = rng.normal_vector(dense.dim());
        auto close = [](const Vec& a, const Vec& b) { return (a - b).norm() <= 1e-13 * std::max(b.norm(), 1.0); };
        Vec gs, gd;
        const double fs = sparse.value_and_gradient(theta, gs), fd = dense.value_and_gradient(theta, gd);
        BOOST_TEST(std::abs(fs - fd) <= 1e-14 * std::abs(fd));
        BOOST_TEST(close(gs, gd));
        BOOST_TEST(close(sparse.hessian_vector(theta, v), dense.hessian_vector(theta, v)));
        Vec hs, hd;
        sparse.bind(theta).apply(v, hs);
        dense.bind(theta).apply(v, hd);
        BOOST_TEST(close(hs, hd));
        for (FisherKind kind : {FisherKind::true_fisher, FisherKind::empirical}) {
          Vec fsv, fdv;
          sparse.probabilistic()->fisher(theta, {}, kind, nullptr).apply(v, fsv);
          dense.probabilistic()->fisher(theta, {}, kind, nullptr).apply(v, fdv);
          BOOST_TEST(close(fsv, fdv));
        }
        if (loss == MlpLoss::mse) {
          const LeastSquaresAccess& ls = *sparse.least_squares();
          const LeastSquaresAccess& ld = *dense.least_squares();
          BOOST_TEST(close(ls.jacobian_vector(theta, v), ld.jacobian_vector(theta, v)));
          const Vec u = rng.normal_vector(ld.num_residuals());
          BOOST_TEST(close(ls.jacobian_transpose_vector(theta, u), ld.jacobian_transpose_vector(theta, u)));
        }
        // Minibatches never use it (the compressed X is the full batch's).
        const std::vector<Index> batch = {3, 7, 50};
        Vec bs, bd;
        sparse.batch_value_and_gradient(theta, batch, bs);
        dense.batch_value_and_gradient(theta, batch, bd);
        BOOST_TEST((bs - bd).cwiseAbs().maxCoeff() == 0.0);
      }
    }
  // Dense inputs or a narrow first layer: the dense products.
  MlpArchitecture arch{{30, 20, 3}, Activation::tanh, MlpLoss::mse, true, 0.0};
  BOOST_TEST(!Mlp(arch, synthetic_data(30, 3, 50, MlpLoss::mse, 2), "gaussian").sparse_first_layer());
  Dataset half = synthetic_data(30, 3, 50, MlpLoss::mse, 2);
  half.inputs = half.inputs.cwiseMax(0.0);
  arch.widths = {30, 8, 3};
  BOOST_TEST(!Mlp(arch, half, "narrow").sparse_first_layer());
}
