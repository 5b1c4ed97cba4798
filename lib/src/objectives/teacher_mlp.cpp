// The teacher-mlp data set (see teacher_mlp.hpp; the streams are data/synthetic.hpp's).
#include "optdyn/objectives/teacher_mlp.hpp"

#include <cmath>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/data/synthetic.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn {
namespace {

std::string seed_text(std::uint64_t seed) { return "seed " + std::to_string(seed); }

}  // namespace

MlpTeacher make_teacher_mlp(Index input_dim, Index output_dim, const std::vector<Index>& hidden,
                            Activation activation, Index n, double noise, bool labels, std::uint64_t seed) {
  check_synthetic_sizes(input_dim, output_dim, n);
  MlpTeacher teacher;
  teacher.widths.push_back(input_dim);
  for (Index h : hidden) {
    if (h < 1) throw InputError("teacher-mlp: hidden widths must be >= 1");
    teacher.widths.push_back(h);
  }
  teacher.widths.push_back(output_dim);

  MlpArchitecture arch;
  arch.widths = teacher.widths;
  arch.activation = activation;
  arch.loss = MlpLoss::mse;
  arch.bias = false;
  const MlpLayout layout(arch.widths, arch.bias);

  // θ*: layer by layer, the weight (out × in, row-major, as MlpLayout) with entries N(0, 1/fan_in).
  Rng weights = Rng::derived(seed, kStreamTeacher);
  teacher.theta = Vec::Zero(layout.size());
  for (Index l = 0; l < layout.num_layers(); ++l) {
    const Index fan_in = teacher.widths[static_cast<std::size_t>(l)];
    const Index count = fan_in * teacher.widths[static_cast<std::size_t>(l + 1)];
    const double scale = 1.0 / std::sqrt(static_cast<double>(fan_in));
    for (Index e = 0; e < count; ++e) teacher.theta[layout.weight_offset(l) + e] = scale * weights.normal();
  }

  Dataset data;
  data.inputs = Rng::derived(seed, kStreamInputs).normal_matrix(input_dim, n);
  data.targets = Mat::Zero(output_dim, n);
  Mat outputs;
  {
    const Mlp network(arch, data, "teacher-mlp");
    outputs = network.predict(teacher.theta, data.inputs);
  }
  add_teacher_noise(outputs, noise, seed);
  set_teacher_targets(data, std::move(outputs), labels);

  std::string widths_text;
  for (Index w : teacher.widths) {
    if (!widths_text.empty()) widths_text += '-';
    widths_text += std::to_string(w);
  }
  data.description = "teacher-mlp " + widths_text + " " + std::string(activation_name(activation)) + ", n " +
                     std::to_string(n) + ", noise " + std::to_string(noise) + (labels ? ", argmax labels" : "") +
                     ", " + seed_text(seed);
  teacher.data = std::move(data);
  return teacher;
}

}  // namespace optdyn
