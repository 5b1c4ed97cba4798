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

[[noreturn]] void fail(const std::string& owner, const std::string& key, const std::string& what) {
  throw InputError(owner + "key '" + key + "': " + what);
}

std::string source_name(DataSource source) {
  switch (source) {
    case DataSource::fashion_mnist: return "fashion-mnist";
    case DataSource::gaussian: return "gaussian";
    case DataSource::teacher_linear: return "teacher-linear";
    case DataSource::teacher_mlp: return "teacher-mlp";
    case DataSource::hierarchical: return "hierarchical";
  }
  return "?";
}

// The keys, in the order they are listed and written.
void declare_data_keys(ParamTable<DataParams>& t) {
  using P = DataParams;
  using S = DataSource;
  t.choice("data", &P::source,
           {{"fashion-mnist", S::fashion_mnist},
            {"gaussian", S::gaussian},
            {"teacher-linear", S::teacher_linear},
            {"teacher-mlp", S::teacher_mlp},
            {"hierarchical", S::hierarchical}},
           "data source")
      .integer("n", &P::n, 1, kMaxSamples, "number of samples (hierarchical: always 2^levels items)")
      .seed("data_seed", &P::seed, "seed of generated data and of sample=random")
      .text("path", &P::path, "fashion-mnist: directory of the IDX .gz files")
      .choice("split", &P::split, {{"train", P::Split::train}, {"test", P::Split::test}},
              "fashion-mnist: train (60,000) or test (10,000)")
      .choice("sample", &P::sample, {{"first", P::Sample::first}, {"random", P::Sample::random}},
              "fashion-mnist: first n images, or random (seeded by data_seed)")
      .flag("centre", &P::centre, "subtract the mean input (over the n samples)")
      .flag("whiten", &P::whiten, "ZCA-whiten the inputs (implies centre): (C + whiten_eps I)^-1/2 (x - mean)")
      .real("whiten_eps", &P::whiten_eps, Range::closed(0.0, 1e300),
            "absolute epsilon added to the covariance eigenvalues when whitening")
      .choice("targets", &P::targets, {{"regression", P::Targets::regression}, {"labels", P::Targets::labels}},
              "gaussian/teacher-*: regression (real targets) or labels (classes: random / teacher argmax, one-hot)")
      .real("noise", &P::noise, Range::closed(0.0, 1e300), "teacher-*: std of Gaussian noise added to the teacher outputs")
      .integers("teacher_widths", &P::teacher_widths, '-', 1, 1'000'000,
                "teacher-mlp: hidden widths of the teacher, '-'-separated (e.g. 64-64)")
      .choice("teacher_act", &P::teacher_act, activation_choices(),
              "teacher-mlp: teacher activation")
      .integer("levels", &P::levels, 1, 16, "hierarchical: binary tree levels (2^levels items = model inputs)")
      .real("flip", &P::flip, Range::closed(0.0, 1.0), "hierarchical: probability a feature flips on each tree edge")
      .integer("features", &P::features, 1, 1'000'000, "hierarchical: number of features (= model outputs)");
}

ParamTable<DataParams> keys_table() {
  ParamTable<DataParams> t("data", "data", "the data keys of a data-driven objective");
  declare_data_keys(t);
  return t;
}

// The keys and the source rules; "default" is the text a key has in `defaults` (a spec with
// every data key), so that a key written with its owner's default text is never an error.
ParamTable<DataParams> rules_table(Spec defaults) {
  ParamTable<DataParams> t = keys_table();
  // The default path names a directory of this machine: recorded (manifests, status files)
  // only for the source that reads it. (keys_table() writes every key: the defaults' texts.)
  t.recorded_when("path", [](const DataParams& p) { return p.source == DataSource::fashion_mnist; });
  t.rule([defaults = std::move(defaults)](const DataParams& p, const Spec& s) {
    const std::string source = source_name(p.source);
    // A key that only some sources read: a non-default value with another source is an error
    // rather than silently ignored.
    const auto unless = [&](const char* key, bool used) {
      if (!used && s.text(key) != defaults.text(key)) s.reject(key, "does not apply to data=" + source);
    };
    const bool fashion = p.source == DataSource::fashion_mnist;
    const bool teacher = p.source == DataSource::teacher_linear || p.source == DataSource::teacher_mlp;
    const bool hierarchical = p.source == DataSource::hierarchical;
    for (const char* key : {"path", "split", "sample"}) unless(key, fashion);
    unless("targets", p.source == DataSource::gaussian || teacher);
    unless("noise", teacher);
    for (const char* key : {"teacher_widths", "teacher_act"}) unless(key, p.source == DataSource::teacher_mlp);
    for (const char* key : {"levels", "flip", "features"}) unless(key, hierarchical);
    // data_seed is accepted (and unused) with fashion-mnist,sample=first, so that a front end
    // may set it for every objective.
    if (!p.whiten && s.text("whiten_eps") != defaults.text("whiten_eps"))
      s.reject("whiten_eps", "only used with whiten=true");
    const long items = 1L << p.levels;
    if (hierarchical && s.text("n") != defaults.text("n") && p.n != items)
      s.reject("n", "hierarchical data has exactly 2^levels = " + std::to_string(items) + " items");
  });
  return t;
}

Spec default_texts(const DataParams& defaults) {
  static const ParamTable<DataParams> keys = keys_table();
  return Spec::parse(keys.to_spec(defaults), "data");
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

}  // namespace

ParamTable<DataParams> DataParams::table(const DataParams& defaults) { return rules_table(default_texts(defaults)); }

const ParamTable<DataParams>& DataParams::table() {
  static const ParamTable<DataParams> t = table(DataParams{});
  return t;
}

std::vector<ParamInfo> dataset_params() { return DataParams::table().info(); }

Dataset make_dataset(const Spec& spec, Index input_dim, Index output_dim) {
  return make_dataset(spec, input_dim, output_dim, dataset_params());
}

Dataset make_dataset(const Spec& given, Index input_dim, Index output_dim, const std::vector<ParamInfo>& table) {
  // Accept a spec whose data keys have not been resolved yet: fill the defaults.
  Spec spec = given;
  Spec defaults = Spec::parse("data", "data");
  for (const auto& p : dataset_params()) {
    const std::string& value = default_of(table, p.key);
    defaults.set(p.key, value);
    if (!spec.has(p.key)) spec.set(p.key, value);
  }
  const DataParams data = rules_table(std::move(defaults)).from_spec(spec);
  return make_dataset(data, input_dim, output_dim, prefix_of(spec));
}

std::string recorded_data_spec(const std::string& spec, const DataParams& data) {
  return DataParams::table().recorded_text(Spec::parse(spec, "objective"), data);
}

Dataset make_dataset(const DataParams& p, Index input_dim, Index output_dim, const std::string& owner) {
  if (input_dim < 1) fail(owner, "widths", "the model needs at least one input");
  if (output_dim < 1) fail(owner, "widths", "the model needs at least one output");

  Dataset data;
  if (p.source == DataSource::fashion_mnist) {
    if (input_dim != 784)
      fail(owner, "widths", "fashion-mnist has 784 inputs (28x28 pixels) but the model's input width is " +
                                std::to_string(input_dim));
    if (output_dim != 10)
      fail(owner, "widths", "fashion-mnist has 10 classes but the model's output width is " +
                                std::to_string(output_dim));
    FashionMnistOptions options;
    options.directory = p.path;
    options.test_split = p.split == DataParams::Split::test;
    const long images = options.test_split ? 10000 : 60000;
    if (p.n < 1 || p.n > images) fail(owner, "n", std::to_string(p.n) + " is outside [1, " + std::to_string(images) + "]");
    options.n = p.n;
    options.random_sample = p.sample == DataParams::Sample::random;
    options.seed = p.seed;
    data = load_fashion_mnist(options);
  } else if (p.source == DataSource::hierarchical) {
    const int levels = static_cast<int>(p.levels);
    const Index features = p.features;
    const Index items = Index{1} << levels;
    // One-hot inputs (items × items) and targets (features × items).
    const double items_d = static_cast<double>(items);
    check_doubles(items_d * items_d, owner, "levels", "2^levels one-hot inputs (2^levels x 2^levels)");
    check_doubles(items_d * (items_d + static_cast<double>(features)), owner, "features",
                  "the hierarchical data set (2^levels x (2^levels + features))");
    if (input_dim != items)
      fail(owner, "levels", "levels=" + std::to_string(levels) + " gives " + std::to_string(items) +
                                " items (one-hot inputs) but the model's input width (widths) is " +
                                std::to_string(input_dim));
    if (output_dim != features)
      fail(owner, "features", "features=" + std::to_string(features) +
                                  " but the model's output width (widths) is " + std::to_string(output_dim));
    data = make_hierarchical(levels, features, p.flip, p.seed);
  } else {
    const Index n = p.n;
    check_doubles(static_cast<double>(n) * static_cast<double>(input_dim + output_dim), owner, "n",
                  "the data matrix n x (inputs + outputs) = " + std::to_string(n) + " x " +
                      std::to_string(input_dim + output_dim));
    const bool labels = p.targets == DataParams::Targets::labels;
    if (p.source == DataSource::gaussian) {
      data = make_gaussian(input_dim, output_dim, n, labels, p.seed);
    } else if (p.source == DataSource::teacher_linear) {
      data = make_teacher_linear(input_dim, output_dim, n, p.noise, labels, p.seed).data;
    } else {
      std::vector<Index> hidden(p.teacher_widths.begin(), p.teacher_widths.end());
      std::vector<Index> widths{input_dim};
      widths.insert(widths.end(), hidden.begin(), hidden.end());
      widths.push_back(output_dim);
      check_network_size(widths, n, false, owner, "teacher_widths", "teacher_widths");
      data = make_teacher_mlp(input_dim, output_dim, hidden, p.teacher_act, n, p.noise, labels, p.seed).data;
    }
  }

  if (p.whiten) {
    // The covariance, its eigenvectors and the ZCA matrix: three d × d matrices.
    const double d = static_cast<double>(input_dim);
    check_doubles(3.0 * d * d, owner, "whiten", "whitening " + std::to_string(input_dim) + " inputs");
    try {
      whiten_inputs(data, p.whiten_eps);
    } catch (const InputError& e) {
      fail(owner, "whiten_eps", e.what());
    }
    data.description += ", ZCA-whitened (eps " + param_text(p.whiten_eps) + ")";
  } else if (p.centre) {
    centre_inputs(data);
    data.description += ", centred";
  }
  return data;
}

}  // namespace optdyn
