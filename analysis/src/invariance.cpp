// The invariance report (analysis/invariance.hpp; seed 004; doc/references.md, "Symmetry and
// reparameterisation"): run an optimizer from θ₀ on F and from Tθ₀ on F∘T⁻¹, map back by T⁻¹,
// compare. Transformations are built as matrices by applying the layout operations of
// mlp_symmetry.hpp and mlp_rescaling.hpp to the columns of I (they are linear in θ).
#include "optdyn/analysis/invariance.hpp"

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <sstream>
#include <utility>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/mlp_rescaling.hpp"
#include "optdyn/objectives/mlp_symmetry.hpp"
#include "optdyn/objectives/reparameterized.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn::analysis {
namespace {

// The matrix of a linear map θ ↦ op(θ) on R^dim: its columns are op(e_j).
Mat matrix_of(Index dim, const std::function<void(Vec&)>& op) {
  Mat m(dim, dim);
  for (Index j = 0; j < dim; ++j) {
    Vec e = Vec::Unit(dim, j);
    op(e);
    m.col(j) = e;
  }
  return m;
}

// The iterates θ_1 … θ_K of `spec` on f from θ₀ (full batch).
std::vector<Vec> trajectory(const Objective& f, std::string_view spec, Vec theta, Index steps) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f);
  std::vector<Vec> out;
  for (Index k = 0; k < steps; ++k) {
    opt->step(theta, oracle);
    out.push_back(theta);
  }
  return out;
}

std::string_view core_name(std::string_view spec) { return spec.substr(0, spec.find_first_of(":|")); }
bool has_teleport(std::string_view spec) { return spec.find("|teleport") != std::string_view::npos; }

}  // namespace

LinearTransformation random_permutation(const MlpLayout& layout, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<Index>> orders;
  for (Index h = 0; h + 1 < layout.num_layers(); ++h) {
    std::vector<Index> order(static_cast<std::size_t>(layout.widths()[h + 1]));
    std::iota(order.begin(), order.end(), Index{0});
    rng.shuffle(order);
    orders.push_back(std::move(order));
  }
  return {"permutation", matrix_of(layout.size(), [&](Vec& theta) {
            for (Index h = 0; h < static_cast<Index>(orders.size()); ++h) permute_hidden_units(layout, theta, h, orders[h]);
          }),
          true};
}

LinearTransformation random_rescaling(const MlpLayout& layout, Activation activation, std::uint64_t seed,
                                      double spread) {
  Rng rng(seed);
  Vec s(num_hidden_units(layout));
  for (Index u = 0; u < s.size(); ++u) s[u] = rng.uniform(-spread, spread);
  return {"rescaling", matrix_of(layout.size(), [&](Vec& theta) { rescale_hidden_units(layout, activation, theta, s); }),
          true};
}

LinearTransformation random_sign_flip(const MlpLayout& layout, Activation activation, std::uint64_t seed) {
  if (!has_sign_symmetry(activation))
    throw InputError("sign flip: activation '" + std::string(activation_name(activation)) +
                     "' is not odd (σ(−z) ≠ −σ(z)): flipping a hidden unit changes f (tanh and linear have this symmetry)");
  Rng rng(seed);
  std::vector<std::pair<Index, Index>> flips;  // (layer, unit)
  for (Index h = 0; h + 1 < layout.num_layers(); ++h)
    for (Index j = 0; j < layout.widths()[h + 1]; ++j)
      if (rng.rademacher_sign()) flips.emplace_back(h, j);
  if (flips.empty()) flips.emplace_back(0, 0);
  return {"sign_flip", matrix_of(layout.size(), [&](Vec& theta) {
            for (const auto& [h, j] : flips) flip_hidden_unit(layout, theta, h, j);
          }),
          true};
}

LinearTransformation random_linear(Index dim, std::uint64_t seed, double spread) {
  Rng rng(seed);
  return {"linear", Mat::Identity(dim, dim) + (spread / std::sqrt(static_cast<double>(dim))) * rng.normal_matrix(dim, dim),
          false};
}

double invariance_gap(const Objective& f, std::string_view optimizer_spec, const Vec& theta0,
                      const LinearTransformation& transformation, Index steps) {
  const Mat& t = transformation.t;
  if (t.rows() != f.dim() || t.cols() != f.dim() || theta0.size() != f.dim())
    throw InputError("invariance: T must be D × D and θ₀ of length D = " + std::to_string(f.dim()));
  const Mat t_inverse = t.fullPivLu().inverse();
  const std::vector<Vec> reference = trajectory(f, optimizer_spec, theta0, steps);
  std::vector<Vec> transformed;
  if (transformation.symmetry) {
    transformed = trajectory(f, optimizer_spec, t * theta0, steps);  // F∘T⁻¹ = F
  } else {
    const Reparameterized g(f, t_inverse);  // F̃(φ) = F(T⁻¹φ)
    transformed = trajectory(g, optimizer_spec, t * theta0, steps);
  }
  double gap = 0.0;
  for (Index k = 0; k < steps; ++k) {
    const double moved = (reference[k] - theta0).norm();
    const double differ = (t_inverse * transformed[k] - reference[k]).norm();
    if (differ > 0.0) gap = std::max(gap, moved > 0.0 ? differ / moved : INFINITY);
  }
  return gap;
}

InvarianceRow predicted_equivariance(std::string_view optimizer_spec, std::string_view transformation) {
  // (optimizer, transformation) → (equivariant?, reason). Orthogonal T (permutations, sign
  // flips) commute with every map built from g, elementwise functions of it, norms and
  // g-linear recursions; diagonal non-orthogonal T (rescaling) and dense T do not, unless the
  // step is preconditioned by a curvature that transforms as AᵀMA (Newton, natural gradient
  // with a nonsingular Fisher, K-FAC per layer) or by a scaling that transforms with the
  // symmetry (Path-SGD).
  using Answer = std::pair<bool, const char*>;
  static const std::map<std::string, std::map<std::string, Answer>> theory = [] {
    const Answer orthogonal{true, "T orthogonal: the step commutes with it"};
    const Answer preconditioned{false, "GD on φ is GD preconditioned by T⁻¹T⁻ᵀ ≠ I"};
    const Answer elementwise{false, "elementwise/norm steps commute with signed permutations only"};
    const Answer no_layers{false, "needs the MLP's layers, which φ does not have"};
    std::map<std::string, std::map<std::string, Answer>> m;
    for (const char* name : {"gd", "momentum"})
      m[name] = {{"permutation", orthogonal}, {"sign_flip", orthogonal}, {"rescaling", preconditioned}, {"linear", preconditioned}};
    for (const char* name : {"adam", "sign", "normalized_gd"})
      m[name] = {{"permutation", orthogonal}, {"sign_flip", orthogonal}, {"rescaling", elementwise}, {"linear", elementwise}};
    const Answer affine{true, "H_φ = TᵀHT: the Newton step maps back (affine invariance)"};
    m["newton"] = {{"permutation", affine}, {"sign_flip", affine}, {"rescaling", affine}, {"linear", affine}};
    const Answer singular{false, "relu Fisher is singular along the orbits: the min-norm solution is not equivariant"};
    // With a nonsingular F the step is equivariant under any T, but only with damping 0 and CG
    // run to convergence (invariance_test: λ = 1e-4 or the default 2D-product cap leave O(10%) gaps).
    const Answer singular_or_damped{false, "relu Fisher is singular along the orbits (nonsingular F: equivariant only with damping 0 and CG converged)"};
    m["natural_gradient"] = {{"permutation", orthogonal}, {"sign_flip", orthogonal}, {"rescaling", singular}, {"linear", singular_or_damped}};
    const Answer kronecker{true, "per-layer T: the Kronecker factors transform with it (damping 0)"};
    m["kfac"] = {{"permutation", kronecker}, {"sign_flip", kronecker}, {"rescaling", kronecker}, {"linear", no_layers}};
    const Answer path{true, "γ_e transforms as 1/(scale of w_e)²: the step scales with the weight"};
    m["path_sgd"] = {{"permutation", path}, {"sign_flip", path}, {"rescaling", path}, {"linear", no_layers}};
    return m;
  }();
  static const std::map<std::string, Answer> teleport = {
      {"permutation", {true, "teleport's ascent on the log-scales commutes with permutations"}},
      {"sign_flip", {false, "teleport needs relu/linear units"}},
      {"rescaling", {false, "teleport ascends from another point of the orbit"}},
      {"linear", {false, "teleport needs the MLP's layers"}}};
  InvarianceRow row{std::string(optimizer_spec), std::string(transformation)};
  const auto known = theory.find(std::string(core_name(optimizer_spec)));
  const auto answer_of = [&](const std::map<std::string, Answer>& table) {
    const auto it = table.find(row.transformation);
    if (it == table.end()) throw InputError("invariance: no prediction for transformation '" + row.transformation + "'");
    return it->second;
  };
  if (known == theory.end())
    throw InputError("invariance: no prediction for optimizer '" + std::string(core_name(optimizer_spec)) + "'");
  Answer answer = answer_of(known->second);
  if (has_teleport(optimizer_spec) && answer.first) answer = answer_of(teleport);
  row.predicted = answer.first;
  row.reason = answer.second;
  return row;
}

std::vector<InvarianceRow> invariance_report(const InvarianceSetup& setup) {
  // Small nets on Gaussian data (mse): 3-4-2, 24 samples, so that the tanh Fisher (48 outputs
  // for 26 parameters) and the Hessians are nonsingular.
  const auto network = [&](Activation act) {
    Rng rng = Rng::derived(setup.seed, 1);
    Dataset data;
    data.description = "invariance report: Gaussian inputs and targets";
    data.inputs = rng.normal_matrix(3, 24);
    data.targets = rng.normal_matrix(2, 24);
    return Mlp({.widths = {3, 4, 2}, .activation = act, .loss = MlpLoss::mse}, std::move(data), "mlp-invariance");
  };
  const Mlp relu = network(Activation::relu), tanh = network(Activation::tanh);
  const Vec theta0 = Rng::derived(setup.seed, 2).normal_vector(relu.dim());
  const auto stream = [&](std::uint64_t id) { return Rng::derived(setup.seed, id).bits(); };  // a seed per transformation
  const std::vector<std::pair<const Mlp*, LinearTransformation>> cases = {
      {&relu, random_permutation(relu.layout(), stream(3))},
      {&relu, random_rescaling(relu.layout(), Activation::relu, stream(4))},
      {&relu, random_linear(relu.dim(), stream(5))},
      {&tanh, random_sign_flip(tanh.layout(), Activation::tanh, stream(6))}};
  std::vector<InvarianceRow> rows;
  for (const std::string& spec : setup.optimizers)
    for (const auto& [f, transformation] : cases) {
      InvarianceRow row = predicted_equivariance(spec, transformation.name);
      try {
        row.gap = invariance_gap(*f, spec, theta0, transformation, setup.steps);
        row.measured = row.gap <= setup.tolerance;
      } catch (const InputError& e) {
        row.applicable = false;
        row.reason = e.what();
      }
      rows.push_back(std::move(row));
    }
  return rows;
}

std::string format_invariance_report(const std::vector<InvarianceRow>& rows) {
  std::ostringstream out;
  out << "| optimizer | transformation | predicted | gap | measured | agrees | why |\n|---|---|---|---|---|---|---|\n";
  for (const InvarianceRow& r : rows) {
    const char* predicted = r.predicted ? "equivariant" : "not";
    if (!r.applicable) {
      out << "| `" << r.optimizer << "` | " << r.transformation << " | " << predicted << " | n/a | n/a | n/a | " << r.reason << " |\n";
      continue;
    }
    out << "| `" << r.optimizer << "` | " << r.transformation << " | " << predicted << " | "
        << format_shortest(r.gap) << " | " << (r.measured ? "equivariant" : "not") << " | "
        << (r.measured == r.predicted ? "yes" : "NO") << " | " << r.reason << " |\n";
  }
  return out.str();
}

}  // namespace optdyn::analysis
