#include "optdyn/optimizers/optimizer.hpp"

#include "optdyn/core/error.hpp"

namespace optdyn {

void Optimizer::reset(Index dim) {
  if (dim < 0) throw InputError("optimizer: negative dimension");
  dim_ = dim;
  t_ = 0;
  last_lr_ = 0.0;
  g_.setZero(dim);
  reset_state(dim);
  for (auto& m : modifiers_) m->reset(dim);
}

void Optimizer::step(Vec& theta, Oracle& oracle) {
  if (dim_ < 0) throw std::logic_error("Optimizer::step before reset(dim)");
  if (theta.size() != dim_ || oracle.dim() != dim_)
    throw InputError("optimizer '" + core_spec_ + "': reset for dimension " + std::to_string(dim_) +
                     ", got θ of dimension " + std::to_string(theta.size()) + " and an oracle of dimension " +
                     std::to_string(oracle.dim()));
  ++t_;
  double factor = 1.0;
  for (const auto& m : modifiers_) factor *= m->lr_factor(t_);
  last_lr_ = lr_ * factor;
  const Vec& point = query_point(theta, last_lr_);
  oracle.gradient(point, g_);
  for (auto& m : modifiers_)
    if (m->transforms_gradient()) m->transform_gradient(point, g_, t_);
  update(theta, g_, last_lr_, t_);
  for (auto& m : modifiers_) m->after_step(theta, t_);
}

std::string Optimizer::spec() const {
  std::string s = core_spec_;
  for (const auto& m : modifiers_) s += "|" + m->spec();
  return s;
}

std::vector<StateView> Optimizer::state() const {
  std::vector<StateView> out;
  collect_state(out);
  for (const auto& m : modifiers_) m->collect_state(out);
  return out;
}

const Vec& Optimizer::state(std::string_view name) const {
  std::string known;
  for (const StateView& s : state()) {
    if (s.name == name) return *s.value;
    known += (known.empty() ? "" : ", ") + s.name;
  }
  throw InputError("optimizer '" + core_spec_ + "': no state '" + std::string(name) + "' (state: " +
                   (known.empty() ? std::string("none") : known) + ")");
}

void Optimizer::add_modifier(ModifierPtr modifier) {
  if (dim_ >= 0) modifier->reset(dim_);
  modifiers_.push_back(std::move(modifier));
}

}  // namespace optdyn
