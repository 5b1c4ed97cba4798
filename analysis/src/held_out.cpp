// Held-out data for a classifier objective (held_out.hpp).
#include "optdyn/analysis/held_out.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "optdyn/analysis/classification_metrics.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn::analysis {

const ParamTable<HeldOutParams>& HeldOutParams::table() {
  using P = HeldOutParams;
  static const auto t =
      ParamTable<P>("eval", "heldout", "held-out loss and 0-1 error of a classifier at recorded steps")
          .choice("split", &P::split, {{"test", P::Split::test}, {"validation", P::Split::validation}},
                  "test: the data's test split; validation: the last fraction of the training samples")
          .real("fraction", &P::fraction, Range::above(0.0, 1.0), "validation: share of the training samples held out")
          .integer("n", &P::n, 0, 10000, "test: test samples (0: the training n, at most 10000)")
          .integer("every", &P::every, 1, std::numeric_limits<long>::max(),
                   "evaluate at recorded steps that are multiples of this (and step 0)");
  return t;
}

namespace {

// The columns [begin, begin + count) of a data set.
Dataset columns(const Dataset& data, Index begin, Index count, const std::string& what) {
  Dataset part;
  part.inputs = data.inputs.middleCols(begin, count);
  part.targets = data.targets.middleCols(begin, count);
  part.labels.assign(data.labels.begin() + begin, data.labels.begin() + begin + count);
  part.description = data.description + ", " + what;
  return part;
}

HeldOut test_split(const Objective& objective, const std::string& option, long n) {
  Spec spec = Spec::parse(objective.spec(), "objective");
  if (!spec.has("split") || spec.text("data") != "fashion-mnist")
    throw InputError(option + ": split=test needs data=fashion-mnist (objective '" + objective.spec() +
                     "' has no test split; use split=validation)");
  // Held-out means not trained on: the training objective must be the train split.
  if (spec.text("split") != "train")
    throw InputError(option + ": split=test needs an objective on split=train (objective '" + objective.spec() +
                     "' trains on split=" + spec.text("split") + " itself)");
  const long train_n = static_cast<long>(objective.num_samples());
  spec.set("split", "test");
  spec.set("n", std::to_string(n > 0 ? n : std::min(train_n, 10000L)));
  HeldOut out;
  out.held_out = make_objective(spec.canonical());
  out.prefix = "test";
  return out;
}

HeldOut validation_split(const Mlp& mlp, const std::string& option, double fraction) {
  const Dataset& data = mlp.data();
  const Index n = data.size();
  // m = ⌈fraction · n⌉ validation samples, the last ones.
  const Index m = static_cast<Index>(std::ceil(fraction * static_cast<double>(n)));
  if (m < 1 || m >= n)
    throw InputError(option + ": fraction leaves " + std::to_string(n - m) + " training and " + std::to_string(m) +
                     " validation samples of " + std::to_string(n) + " (both must be at least 1)");
  HeldOut out;
  out.train = std::make_unique<Mlp>(mlp.architecture(), columns(data, 0, n - m, "training part"), mlp.spec());
  out.held_out = std::make_unique<Mlp>(mlp.architecture(), columns(data, n - m, m, "validation part"), mlp.spec());
  out.prefix = "val";
  return out;
}

}  // namespace

HeldOut make_held_out(const Objective& objective, const HeldOutParams& params, const std::string& option) {
  HeldOutParams::table().check(params);
  if (!is_classifier(objective))
    throw InputError(option + ": objective '" + objective.spec() +
                     "' is not a classifier (an mlp, deep_linear, softmax_regression or logistic_regression with "
                     "class labels)");
  HeldOut out = params.split == HeldOutParams::Split::test
                    ? test_split(objective, option, params.n)
                    : validation_split(dynamic_cast<const Mlp&>(objective), option, params.fraction);
  out.spec = HeldOutParams::table().to_spec(params);
  return out;
}

HeldOut make_held_out(const Objective& objective, const std::string& spec, const std::string& option) {
  return make_held_out(objective, HeldOutParams::table().from_spec(spec), option);
}

}  // namespace optdyn::analysis
