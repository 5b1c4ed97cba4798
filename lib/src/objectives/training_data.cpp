// The data keys shared by every data-driven objective, and the dispatch to the sources.
#include "optdyn/objectives/training_data.hpp"

#include <string>

#include "optdyn/core/budget.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/data/fashion_mnist.hpp"
#include "optdyn/data/preprocess.hpp"
#include "optdyn/data/synthetic.hpp"
#include "optdyn/objectives/activation.hpp"
#include "optdyn/objectives/network_budget.hpp"
#include "optdyn/objectives/teacher_mlp.hpp"

namespace optdyn {
namespace {

// The range of the key n; the real bound is the memory budget of the data matrix
// (n·(inputs + outputs) ≤ kMaxDataDoubles, 2 GiB), checked before generating.
constexpr long kMaxSamples = 100'000'000;

std::string prefix_of(const Spec& spec) { return spec.kind() + " '" + spec.name() + "': "; }

[[noreturn]] void fail(const Spec& spec, const std::string& key, const std::string& what) {
  throw InputError(spec.kind() + " '" + spec.name() + "': key '" + key + "': " + what);
}

// The default a key had in the table the spec was resolved with (an objective may change
// the defaults of data keys, e.g. data=fashion-mnist for mlp).
const std::string& default_of(const std::vector<ParamInfo>& table, const std::string& key) {
  for (const auto& p : table)
    if (p.key == key) return p.default_value;
  static const std::vector<ParamInfo> own = dataset_params();
  for (const auto& p : own)
    if (p.key == key) return p.default_value;
  static const std::string empty;
  return empty;
}

// A key that only some sources read: a non-default value with another source is an error
// rather than silently ignored.
void reject_unless(const Spec& spec, const std::vector<ParamInfo>& table, const std::string& key, bool used,
                   const std::string& source) {
  if (!used && spec.text(key) != default_of(table, key))
    fail(spec, key, "does not apply to data=" + source);
}

}  // namespace

std::vector<ParamInfo> dataset_params() {
  return {
      {"data", "gaussian",
       "data source: fashion-mnist|gaussian|teacher-linear|teacher-mlp|hierarchical"},
      {"n", "1000", "number of samples (hierarchical: always 2^levels items)"},
      {"data_seed", "1", "seed of generated data and of sample=random"},
      {"path", kFashionMnistDefaultDir, "fashion-mnist: directory of the IDX .gz files"},
      {"split", "train", "fashion-mnist: train (60,000) or test (10,000)"},
      {"sample", "first", "fashion-mnist: first n images, or random (seeded by data_seed)"},
      {"centre", "false", "subtract the mean input (over the n samples)"},
      {"whiten", "false", "ZCA-whiten the inputs (implies centre): (C + whiten_eps I)^-1/2 (x - mean)"},
      {"whiten_eps", "1e-5", "absolute epsilon added to the covariance eigenvalues when whitening"},
      {"targets", "regression",
       "gaussian/teacher-*: regression (real targets) or labels (classes: random / teacher argmax, one-hot)"},
      {"noise", "0", "teacher-*: std of Gaussian noise added to the teacher outputs"},
      {"teacher_widths", "32", "teacher-mlp: hidden widths of the teacher, '-'-separated (e.g. 64-64)"},
      {"teacher_act", "tanh", "teacher-mlp: teacher activation tanh|relu|softplus|linear"},
      {"levels", "5", "hierarchical: binary tree levels (2^levels items = model inputs)"},
      {"flip", "0.1", "hierarchical: probability a feature flips on each tree edge"},
      {"features", "1000", "hierarchical: number of features (= model outputs)"},
  };
}

Dataset make_dataset(const Spec& spec, Index input_dim, Index output_dim) {
  return make_dataset(spec, input_dim, output_dim, dataset_params());
}

Dataset make_dataset(const Spec& given, Index input_dim, Index output_dim, const std::vector<ParamInfo>& table) {
  // Accept a spec whose data keys have not been resolved yet: fill the defaults.
  Spec spec = given;
  for (const auto& p : dataset_params())
    if (!spec.has(p.key)) spec.set(p.key, default_of(table, p.key));

  const std::string source =
      spec.choice("data", {"fashion-mnist", "gaussian", "teacher-linear", "teacher-mlp", "hierarchical"});
  const bool is_fashion = source == "fashion-mnist";
  const bool is_teacher = source == "teacher-linear" || source == "teacher-mlp";
  const bool is_hier = source == "hierarchical";

  for (const char* key : {"path", "split", "sample"}) reject_unless(spec, table, key, is_fashion, source);
  reject_unless(spec, table, "targets", source == "gaussian" || is_teacher, source);
  reject_unless(spec, table, "noise", is_teacher, source);
  for (const char* key : {"teacher_widths", "teacher_act"})
    reject_unless(spec, table, key, source == "teacher-mlp", source);
  for (const char* key : {"levels", "flip", "features"}) reject_unless(spec, table, key, is_hier, source);
  // data_seed is accepted (and unused) with fashion-mnist,sample=first, so that a front end
  // may set it for every objective.

  const bool centre = spec.boolean("centre");
  const bool whiten = spec.boolean("whiten");
  const double whiten_eps = spec.real("whiten_eps", 0.0, 1e300);
  if (!whiten && spec.text("whiten_eps") != default_of(table, "whiten_eps"))
    fail(spec, "whiten_eps", "only used with whiten=true");
  const std::uint64_t seed = spec.seed("data_seed");

  if (input_dim < 1) fail(spec, "widths", "the model needs at least one input");
  if (output_dim < 1) fail(spec, "widths", "the model needs at least one output");

  Dataset data;
  if (is_fashion) {
    if (input_dim != 784)
      fail(spec, "widths", "fashion-mnist has 784 inputs (28x28 pixels) but the model's input width is " +
                               std::to_string(input_dim));
    if (output_dim != 10)
      fail(spec, "widths", "fashion-mnist has 10 classes but the model's output width is " +
                               std::to_string(output_dim));
    FashionMnistOptions options;
    options.directory = spec.text("path");
    options.test_split = spec.choice("split", {"train", "test"}) == "test";
    options.n = spec.integer("n", 1, options.test_split ? 10000 : 60000);
    options.random_sample = spec.choice("sample", {"first", "random"}) == "random";
    options.seed = seed;
    data = load_fashion_mnist(options);
  } else if (is_hier) {
    const int levels = static_cast<int>(spec.integer("levels", 1, 16));
    const Index features = spec.integer("features", 1, 1'000'000);
    const double flip = spec.real("flip", 0.0, 1.0);
    const Index items = Index{1} << levels;
    // One-hot inputs (items × items) and targets (features × items).
    const double items_d = static_cast<double>(items);
    check_doubles(items_d * items_d, prefix_of(spec), "levels",
                  "2^levels one-hot inputs (2^levels x 2^levels)");
    check_doubles(items_d * (items_d + static_cast<double>(features)), prefix_of(spec), "features",
                  "the hierarchical data set (2^levels x (2^levels + features))");
    if (input_dim != items)
      fail(spec, "levels", "levels=" + std::to_string(levels) + " gives " + std::to_string(items) +
                               " items (one-hot inputs) but the model's input width (widths) is " +
                               std::to_string(input_dim));
    if (output_dim != features)
      fail(spec, "features", "features=" + std::to_string(features) +
                                 " but the model's output width (widths) is " + std::to_string(output_dim));
    if (spec.text("n") != default_of(table, "n") && spec.integer("n", 1, kMaxSamples) != items)
      fail(spec, "n", "hierarchical data has exactly 2^levels = " + std::to_string(items) + " items");
    data = make_hierarchical(levels, features, flip, seed);
  } else {
    const Index n = spec.integer("n", 1, kMaxSamples);
    check_doubles(static_cast<double>(n) * static_cast<double>(input_dim + output_dim), prefix_of(spec), "n",
                  "the data matrix n x (inputs + outputs) = " + std::to_string(n) + " x " +
                      std::to_string(input_dim + output_dim));
    const bool labels = spec.choice("targets", {"regression", "labels"}) == "labels";
    if (source == "gaussian") {
      data = make_gaussian(input_dim, output_dim, n, labels, seed);
    } else if (source == "teacher-linear") {
      data = make_teacher_linear(input_dim, output_dim, n, spec.real("noise", 0.0, 1e300), labels, seed).data;
    } else {
      std::vector<Index> hidden;
      for (long w : spec.integer_list("teacher_widths", '-', 1, 1'000'000)) hidden.push_back(w);
      std::vector<Index> widths{input_dim};
      widths.insert(widths.end(), hidden.begin(), hidden.end());
      widths.push_back(output_dim);
      check_network_size(widths, n, false, prefix_of(spec), "teacher_widths", "teacher_widths");
      const Activation act = parse_activation(spec.text("teacher_act"), "teacher_act");
      data = make_teacher_mlp(input_dim, output_dim, hidden, act, n, spec.real("noise", 0.0, 1e300), labels,
                              seed).data;
    }
  }

  if (whiten) {
    // The covariance, its eigenvectors and the ZCA matrix: three d × d matrices.
    const double d = static_cast<double>(input_dim);
    check_doubles(3.0 * d * d, prefix_of(spec), "whiten", "whitening " + std::to_string(input_dim) + " inputs");
    try {
      whiten_inputs(data, whiten_eps);
    } catch (const InputError& e) {
      fail(spec, "whiten_eps", e.what());
    }
    data.description += ", ZCA-whitened (eps " + spec.text("whiten_eps") + ")";
  } else if (centre) {
    centre_inputs(data);
    data.description += ", centred";
  }
  return data;
}

}  // namespace optdyn
