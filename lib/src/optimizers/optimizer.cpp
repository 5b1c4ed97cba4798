#include "optdyn/optimizers/optimizer.hpp"

#include <cmath>
#include <stdexcept>

#include "optdyn/core/error.hpp"

namespace optdyn {

void Optimizer::reset(Index dim) {
  if (dim < 0) throw InputError("optimizer: negative dimension");
  dim_ = dim;
  t_ = 0;
  last_lr_ = 0.0;
  loss_ = 0.0;
  hand_over_ = {};
  g_.setZero(dim);
  reset_state(dim);
  for (auto& m : modifiers_) m->reset(dim);
}

void Optimizer::check_oracle(const Oracle& oracle) const {
  for (const OracleAccess a : required_access()) oracle.require(a, name());
  for (const auto& m : modifiers_)
    for (const OracleAccess a : m->required_access()) oracle.require(a, m->spec());
}

void Optimizer::step(Vec& theta, Oracle& oracle) {
  if (dim_ < 0) throw std::logic_error("Optimizer::step before reset(dim)");
  if (theta.size() != dim_ || oracle.dim() != dim_)
    throw InputError("optimizer '" + core_spec_ + "': reset for dimension " + std::to_string(dim_) +
                     ", got θ of dimension " + std::to_string(theta.size()) + " and an oracle of dimension " +
                     std::to_string(oracle.dim()));
  check_oracle(oracle);
  ++t_;
  for (auto& m : modifiers_)
    if (m->moves_iterate()) m->move_iterate(theta, oracle, t_);
  double factor = 1.0;
  for (const auto& m : modifiers_) factor *= m->lr_factor(t_);
  if (factor != 1.0 && !uses_step_size())
    throw InputError("optimizer '" + name() + "': chooses its own step length; a schedule modifier does not apply");
  last_lr_ = lr_ * factor;
  const Vec& point = query_point(theta, last_lr_);
  if (!take_handed_over_gradient(point, oracle)) loss_ = oracle.gradient(point, g_);
  // Divergence is checked here, in the one step loop, so that no method has to: an update
  // from a non-finite loss or gradient is meaningless (and a line search would refuse it),
  // and a non-finite θ after the update is the classic blow-up (core/error.hpp).
  if (!std::isfinite(loss_))
    throw DivergenceError("gradient evaluation at step " + std::to_string(t_) + ": non-finite loss (" + non_finite_name(loss_) + ")");
  if (!g_.allFinite())
    throw DivergenceError("gradient evaluation at step " + std::to_string(t_) + ": non-finite gradient");
  for (auto& m : modifiers_)
    if (m->transforms_gradient()) m->transform_gradient(point, g_, t_);
  oracle_ = &oracle;
  struct Release {  // oracle() is valid only inside update(), also when update throws
    Oracle*& o;
    ~Release() { o = nullptr; }
  } release{oracle_};
  update(theta, g_, last_lr_, t_);
  if (!theta.allFinite())
    throw DivergenceError(name() + " update at step " + std::to_string(t_) + ": non-finite parameters");
  for (auto& m : modifiers_)
    if (m->constrains_iterate()) m->constrain_iterate(theta, t_);
  for (auto& m : modifiers_) m->after_step(theta, t_);
}

Oracle& Optimizer::oracle() const {
  if (!oracle_) throw std::logic_error("Optimizer::oracle() outside update()");
  return *oracle_;
}

std::string Optimizer::name() const { return core_spec_.substr(0, core_spec_.find(':')); }

void Optimizer::hand_over_gradient(const Vec& theta, const Vec& g, double loss) {
  hand_over_.oracle = oracle_;
  hand_over_.any_oracle = false;
  hand_over_.calls = oracle_ ? oracle_->calls() : 0;
  hand_over_.theta = theta;
  hand_over_.g = g;
  hand_over_.loss = loss;
}

// The handed-over gradient is used only for the same deterministic oracle, untouched since
// (no gradient call in between), at exactly the same point.
bool Optimizer::take_handed_over_gradient(const Vec& point, const Oracle& oracle) {
  const bool same_oracle = hand_over_.oracle == &oracle || hand_over_.any_oracle;
  const bool usable = same_oracle && oracle.deterministic() && oracle.calls() == hand_over_.calls &&
                      hand_over_.theta.size() == point.size() && hand_over_.theta == point;
  hand_over_.oracle = nullptr;
  hand_over_.any_oracle = false;
  if (!usable) return false;
  g_.swap(hand_over_.g);
  loss_ = hand_over_.loss;
  return true;
}

void Optimizer::archive(StateArchive& a) {
  if (dim_ < 0) throw std::logic_error("Optimizer::archive before reset(dim)");
  a.constant("spec", spec());
  a.constant("dim", dim_);
  a.field("t", t_);
  a.field("last_lr", last_lr_);
  a.field("loss", loss_);
  a.field("g", g_, dim_);
  // A pending hand-over (the gradient a line search left at the new θ) decides whether the
  // next step asks the oracle: without it the resumed run would evaluate once more.
  bool pending = hand_over_.oracle != nullptr || hand_over_.any_oracle;
  a.field("hand_over_pending", pending);
  if (pending) {
    a.scope("hand_over", [&] {
      a.field("calls", hand_over_.calls);
      a.field("theta", hand_over_.theta, dim_);
      a.field("g", hand_over_.g, dim_);
      a.field("loss", hand_over_.loss);
    });
  }
  if (a.loading()) {
    // The saved process's oracle is gone: the hand-over is for the next step's oracle.
    hand_over_.oracle = nullptr;
    hand_over_.any_oracle = pending;
  }
  a.scope("state", [&] { archive_state(a); });
  for (std::size_t i = 0; i < modifiers_.size(); ++i)
    a.scope("modifier." + std::to_string(i), [&] { modifiers_[i]->archive(a); });
}

// Default: the named state vectors. collect_state hands out const views (inspection must
// not change an optimizer); archiving is the one place that writes through them on load,
// which is sound because the views point at this object's own non-const members.
void Optimizer::archive_state(StateArchive& a) {
  std::vector<StateView> views;
  collect_state(views);
  for (const StateView& v : views) a.field(v.name, const_cast<Vec&>(*v.value));
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
  if (modifier->transforms_gradient() && !accepts_transformed_gradient())
    throw InputError("optimizer '" + name() + "': modifier '" + modifier->spec() +
                     "' changes the gradient, which this method's own curvature model (line search, secant pairs, exact solve) would not match");
  // A schedule is a modifier whose factor differs from 1 at some step; probe a few steps
  // (every schedule in schedules.cpp differs from 1 at one of them; step() checks again).
  if (!uses_step_size())
    for (const std::uint64_t t : {1ULL, 2ULL, 3ULL, 10ULL, 1000ULL, 1000000ULL})
      if (modifier->lr_factor(t) != 1.0)
        throw InputError("optimizer '" + name() + "': chooses its own step length; modifier '" + modifier->spec() +
                         "' (a schedule) does not apply");
  if (dim_ >= 0) modifier->reset(dim_);
  modifiers_.push_back(std::move(modifier));
}

}  // namespace optdyn
