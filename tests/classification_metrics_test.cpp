// Tests of analysis/classification_metrics.hpp against explicit per-sample loops: each
// sample's outputs computed by hand from θ's weights (f = W_1 tanh(W_0 x + b_0) + b_1, or
// f = W x + b), its loss written out (ce: log Σ_k e^{f_k} − f_y; bce: log(1 + e^f) − y f;
// mse: ½‖f − e_y‖²) and its predicted class found by a loop over the outputs; the means
// compared with the metric. Non-classifiers (quadratic, regression targets) give nullopt.
// held_out.hpp: the validation part is the last ⌈fraction·n⌉ samples of the data, column by column.
#define BOOST_TEST_MODULE classification_metrics
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>

#include "optdyn/analysis/classification_metrics.hpp"
#include "optdyn/analysis/held_out.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/sample_blocks.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"

using namespace optdyn;
using namespace optdyn::analysis;

namespace {

struct Expected {
  double loss = 0.0, error = 0.0;
};

// Outputs of sample i, one dense layer at a time, with tanh on the hidden layers.
Vec outputs_by_hand(const Mlp& mlp, const Vec& theta, Index i) {
  const MlpLayout& layout = mlp.layout();
  Vec a = mlp.data().inputs.col(i);
  for (Index l = 0; l < layout.num_layers(); ++l) {
    Vec z(layout.widths()[l + 1]);
    for (Index r = 0; r < z.size(); ++r) {
      double s = layout.has_bias() ? theta(layout.bias_offset(l) + r) : 0.0;
      for (Index c = 0; c < a.size(); ++c) s += theta(layout.weight_offset(l) + r * a.size() + c) * a(c);
      z(r) = s;
    }
    if (l + 1 < layout.num_layers())
      for (Index r = 0; r < z.size(); ++r) z(r) = std::tanh(z(r));
    a = z;
  }
  return a;
}

Expected by_loop(const Mlp& mlp, const Vec& theta) {
  Expected e;
  const Index n = mlp.data().size();
  for (Index i = 0; i < n; ++i) {
    const Vec f = outputs_by_hand(mlp, theta, i);
    const int y = mlp.data().labels[static_cast<std::size_t>(i)];
    int predicted = 0;
    double loss = 0.0;
    if (f.size() == 1) {
      predicted = f(0) > 0.0 ? 1 : 0;
      loss = std::log(1.0 + std::exp(f(0))) - y * f(0);
    } else {
      for (Index k = 1; k < f.size(); ++k)
        if (f(k) > f(predicted)) predicted = static_cast<int>(k);
      if (mlp.architecture().loss == MlpLoss::cross_entropy) {
        double sum = 0.0;
        for (Index k = 0; k < f.size(); ++k) sum += std::exp(f(k));
        loss = std::log(sum) - f(y);
      } else {  // mse against the one-hot target
        for (Index k = 0; k < f.size(); ++k) loss += 0.5 * std::pow(f(k) - (k == y ? 1.0 : 0.0), 2);
      }
    }
    e.loss += loss / static_cast<double>(n);
    if (predicted != y) e.error += 1.0 / static_cast<double>(n);
  }
  return e;
}

void check_against_loop(const std::string& spec, double theta_scale) {
  const ObjectivePtr objective = make_objective(spec);
  const auto* mlp = dynamic_cast<const Mlp*>(objective.get());
  BOOST_REQUIRE(mlp != nullptr);
  Rng rng(7);
  Vec theta(objective->dim());
  for (Index j = 0; j < theta.size(); ++j) theta(j) = theta_scale * rng.normal();
  const auto metrics = classification_metrics(*objective, theta);
  BOOST_REQUIRE(metrics.has_value());
  const Expected e = by_loop(*mlp, theta);
  BOOST_TEST_INFO(spec);
  BOOST_TEST(std::abs(metrics->loss - e.loss) < 1e-12 * (1.0 + e.loss));
  BOOST_TEST(std::abs(metrics->error - e.error) < 1e-12);
  // Neither trivially 0 nor 1 at a random θ: the comparison exercises both outcomes.
  BOOST_TEST(metrics->error > 0.0);
  BOOST_TEST(metrics->error < 1.0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(mlp_cross_entropy_with_l2) {
  // The l2 penalty is excluded from the loss (it is not part of the data fit).
  check_against_loop("mlp:widths=6-5-4,loss=ce,l2=0.3,data=teacher-linear,targets=labels,n=200,data_seed=3", 0.7);
}

BOOST_AUTO_TEST_CASE(penalty_dominating_the_loss) {
  // l2 = 1e6: F(θ) ≈ 5e5‖θ‖² ≈ 1.4e7 beside a loss of a few units, so F − (l2/2)‖θ‖² would keep
  // only ~6 of the loss's digits; the data term computed directly matches the loop to 1e-12.
  check_against_loop("mlp:widths=6-5-4,loss=ce,l2=1e6,data=teacher-linear,targets=labels,n=200,data_seed=3", 0.7);
}

BOOST_AUTO_TEST_CASE(data_loss_is_value_without_penalty) {
  // l2 = 0: data_loss is value() bit for bit; either way it counts one full-batch value.
  const ObjectivePtr objective = make_objective("mlp:widths=5-4-3,loss=ce,data=teacher-linear,targets=labels,n=90");
  const auto& mlp = dynamic_cast<const Mlp&>(*objective);
  Rng rng(11);
  Vec theta(objective->dim());
  for (Index j = 0; j < theta.size(); ++j) theta(j) = rng.normal();
  objective->reset_counters();
  const double loss = mlp.data_loss(theta);
  BOOST_TEST(objective->counters().values == 1u);
  BOOST_TEST(objective->counters().samples == 90u);
  BOOST_TEST(objective->counters().gradients == 0u);
  BOOST_TEST(loss == objective->value(theta));
  BOOST_CHECK_THROW(mlp.data_loss(Vec::Zero(3)), InputError);
}

BOOST_AUTO_TEST_CASE(outputs_of_the_loss_pass) {
  // Three sample blocks of 32 (n = 90): the outputs data_loss hands back with the loss are every
  // sample's, in order, equal to predict()'s one dense pass up to rounding, and the loss is unchanged.
  set_block_samples(32);
  const ObjectivePtr objective = make_objective("mlp:widths=5-4-3,loss=ce,data=teacher-linear,targets=labels,n=90");
  set_block_samples(kDefaultBlockSamples);
  const auto& mlp = dynamic_cast<const Mlp&>(*objective);
  BOOST_TEST(mlp.samples_per_block() == 32);
  Rng rng(12);
  Vec theta(objective->dim());
  for (Index j = 0; j < theta.size(); ++j) theta(j) = rng.normal();
  Mat outputs;
  const double loss = mlp.data_loss(theta, &outputs);
  BOOST_TEST(loss == mlp.data_loss(theta));
  const Mat dense = mlp.predict(theta, mlp.data().inputs);
  BOOST_REQUIRE(outputs.rows() == 3);
  BOOST_REQUIRE(outputs.cols() == 90);
  BOOST_TEST((outputs - dense).cwiseAbs().maxCoeff() <= 1e-13 * (1.0 + dense.cwiseAbs().maxCoeff()));
  for (Index i : {0, 31, 32, 63, 64, 89}) BOOST_TEST((outputs.col(i) - outputs_by_hand(mlp, theta, i)).norm() < 1e-12);
}

BOOST_AUTO_TEST_CASE(mlp_mse_on_one_hot_labels) {
  check_against_loop("mlp:widths=5-4-3,loss=mse,data=teacher-linear,targets=labels,n=150,data_seed=5", 0.8);
}

BOOST_AUTO_TEST_CASE(softmax_regression) {
  check_against_loop("softmax_regression:dim=7,classes=3,data=teacher-linear,targets=labels,n=120,data_seed=2", 0.5);
}

BOOST_AUTO_TEST_CASE(logistic_regression) {
  check_against_loop("logistic_regression:dim=6,n=160,data_seed=4", 0.6);
}

BOOST_AUTO_TEST_CASE(zero_parameters_by_hand) {
  // θ = 0: every output is 0, so every sample is predicted class 0 (f > 0 fails), the error is
  // the fraction of label 1 and every sample's loss is log(1 + e⁰) = log 2.
  const ObjectivePtr objective = make_objective("logistic_regression:dim=4,n=100,l2=0,data_seed=9");
  const auto* mlp = dynamic_cast<const Mlp*>(objective.get());
  const Vec zero = Vec::Zero(objective->dim());
  const auto metrics = classification_metrics(*objective, zero);
  BOOST_REQUIRE(metrics.has_value());
  double ones = 0;
  for (int y : mlp->data().labels) ones += y;
  BOOST_TEST(std::abs(metrics->error - ones / 100.0) < 1e-15);
  BOOST_TEST(std::abs(metrics->loss - std::log(2.0)) < 1e-15);
}

BOOST_AUTO_TEST_CASE(non_classifiers_give_nullopt) {
  const ObjectivePtr quadratic = make_objective("quadratic:dim=5");
  BOOST_TEST(!classification_metrics(*quadratic, Vec::Zero(5)).has_value());
  BOOST_TEST(!is_classifier(*quadratic));
  const ObjectivePtr regression = make_objective("mlp:widths=4-3-2,loss=mse,data=teacher-linear,n=50");
  BOOST_TEST(!classification_metrics(*regression, Vec::Zero(regression->dim())).has_value());
}

BOOST_AUTO_TEST_CASE(validation_part_is_the_last_samples) {
  // held_out.hpp: m = ⌈0.15 · 50⌉ = 8 validation samples, the last ones; training on the first 42.
  const std::string spec = "softmax_regression:dim=5,classes=3,data=teacher-linear,targets=labels,n=50,data_seed=6";
  const ObjectivePtr whole = make_objective(spec);
  HeldOutParams p;
  p.split = HeldOutParams::Split::validation;
  p.fraction = 0.15;
  const HeldOut split = make_held_out(*whole, p, "--eval");
  BOOST_TEST(split.prefix == "val");
  BOOST_REQUIRE(split.train != nullptr);
  BOOST_TEST(split.train->num_samples() == 42);
  BOOST_TEST(split.held_out->num_samples() == 8);
  const auto& data = dynamic_cast<const Mlp&>(*whole).data();
  const auto& val = dynamic_cast<const Mlp&>(*split.held_out).data();
  const auto& train = dynamic_cast<const Mlp&>(*split.train).data();
  for (Index i = 0; i < 8; ++i) {
    BOOST_TEST(val.labels[static_cast<std::size_t>(i)] == data.labels[static_cast<std::size_t>(42 + i)]);
    BOOST_TEST(val.inputs.col(i) == data.inputs.col(42 + i));
  }
  BOOST_TEST(train.inputs.col(41) == data.inputs.col(41));
  // The metric on the validation part equals the explicit loop over those 8 samples.
  Rng rng(3);
  Vec theta(whole->dim());
  for (Index j = 0; j < theta.size(); ++j) theta(j) = rng.normal();
  const auto metrics = classification_metrics(*split.held_out, theta);
  const Expected e = by_loop(dynamic_cast<const Mlp&>(*split.held_out), theta);
  BOOST_TEST(std::abs(metrics->loss - e.loss) < 1e-12 * (1.0 + e.loss));
  BOOST_TEST(std::abs(metrics->error - e.error) < 1e-15);
  // Errors name the option: not a classifier; no test split on synthetic data.
  const ObjectivePtr quadratic = make_objective("quadratic:dim=4");
  BOOST_CHECK_THROW(make_held_out(*quadratic, p, "--eval"), InputError);
  BOOST_CHECK_THROW(make_held_out(*whole, HeldOutParams{}, "--eval"), InputError);
}
