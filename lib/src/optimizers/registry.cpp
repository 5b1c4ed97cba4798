#include "optdyn/optimizers/registry.hpp"

#include <string>

#include "optdyn/core/error.hpp"

namespace optdyn {

const OptimizerRegistry& optimizer_registry() {
  static const OptimizerRegistry registry = [] {
    OptimizerRegistry r("optimizer");
    r.add(gd_entry());
    r.add(sgd_entry());
    r.add(momentum_entry());
    r.add(nesterov_entry());
    r.add(adagrad_entry());
    r.add(rmsprop_entry());
    r.add(adadelta_entry());
    r.add(adam_entry());
    r.add(adamax_entry());
    r.add(nadam_entry());
    r.add(amsgrad_entry());
    r.add(delta_bar_delta_entry());
    for (auto& e : trust_region_entries()) r.add(std::move(e));
    for (auto& e : newton_entries()) r.add(std::move(e));
    r.add(saddle_free_newton_entry());
    r.add(gauss_newton_entry());
    r.add(levenberg_marquardt_entry());
    r.add(linear_cg_entry());
    r.add(nonlinear_cg_entry());
    r.add(bfgs_entry());
    r.add(lbfgs_entry());
    for (auto& e : coordinate_descent_entries()) r.add(std::move(e));
    r.add(natural_gradient_entry());
    r.add(kfac_entry());
    r.add(tonga_entry());
    r.add(parabola_regression_entry());
    return r;
  }();
  return registry;
}

const ModifierRegistry& modifier_registry() {
  static const ModifierRegistry registry = [] {
    ModifierRegistry r("modifier");
    for (auto& e : clipping_entries()) r.add(std::move(e));
    r.add(weight_decay_entry());
    for (auto& e : schedule_entries()) r.add(std::move(e));
    r.add(averaging_entry());
    return r;
  }();
  return registry;
}

std::string OptimizerChain::canonical() const {
  std::string out = core.canonical();
  for (const Spec& m : modifiers) out += "|" + m.canonical();
  return out;
}

OptimizerChain parse_optimizer_chain(std::string_view spec) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = spec.find('|', start);
    parts.push_back(spec.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  OptimizerChain chain{optimizer_registry().resolve(parts[0]), {}};
  for (std::size_t i = 1; i < parts.size(); ++i) chain.modifiers.push_back(modifier_registry().resolve(parts[i]));
  return chain;
}

OptimizerPtr make_optimizer(const OptimizerChain& chain) {
  OptimizerPtr optimizer = optimizer_registry().make(chain.core);
  for (const Spec& m : chain.modifiers) optimizer->add_modifier(modifier_registry().make(m));
  return optimizer;
}

OptimizerPtr make_optimizer(std::string_view spec) { return make_optimizer(parse_optimizer_chain(spec)); }

std::string describe_optimizers() {
  return optimizer_registry().describe() +
         "\nModifiers (append to any optimizer with '|', e.g. adam:lr=1e-3|clip_norm:max=1|cosine:t_max=1000):\n" +
         modifier_registry().describe();
}

}  // namespace optdyn
