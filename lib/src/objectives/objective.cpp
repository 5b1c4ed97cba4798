#include "optdyn/objectives/objective.hpp"

#include <stdexcept>
#include <string>

#include "optdyn/core/error.hpp"

namespace optdyn {

namespace {

// The one table of the counters: name and field, in declaration order.
struct CountField {
  std::string_view name;
  std::uint64_t EvaluationCounts::*field;
};
constexpr CountField kCountFields[] = {
    {"values", &EvaluationCounts::values},
    {"gradients", &EvaluationCounts::gradients},
    {"hvps", &EvaluationCounts::hvps},
    {"hessians", &EvaluationCounts::hessians},
    {"residual_evaluations", &EvaluationCounts::residual_evaluations},
    {"jacobian_products", &EvaluationCounts::jacobian_products},
    {"fisher_products", &EvaluationCounts::fisher_products},
    {"layer_statistics", &EvaluationCounts::layer_statistics},
    {"samples", &EvaluationCounts::samples},
};

}  // namespace

EvaluationCounts& EvaluationCounts::operator+=(const EvaluationCounts& other) {
  for (const CountField& f : kCountFields) this->*f.field += other.*f.field;
  return *this;
}

EvaluationCounts& EvaluationCounts::operator-=(const EvaluationCounts& other) {
  for (const CountField& f : kCountFields) this->*f.field -= other.*f.field;
  return *this;
}

std::vector<std::pair<std::string_view, std::uint64_t>> count_fields(const EvaluationCounts& counts,
                                                                     std::span<const std::string_view> names) {
  std::vector<std::pair<std::string_view, std::uint64_t>> out;
  for (std::string_view name : names) {
    const CountField* found = nullptr;
    for (const CountField& f : kCountFields)
      if (f.name == name) found = &f;
    if (!found) throw std::invalid_argument("count_fields: no counter '" + std::string(name) + "'");
    out.emplace_back(found->name, counts.*found->field);
  }
  return out;
}

void archive_counts(StateArchive& a, EvaluationCounts& counts) {
  for (const CountField& f : kCountFields) a.field(f.name, counts.*f.field);
}

void Objective::check_arguments(const Vec& theta, Batch batch) const {
  if (theta.size() != dim())
    throw InputError("objective '" + spec() + "': parameter vector has length " +
                     std::to_string(theta.size()) + ", expected " + std::to_string(dim()));
  if (batch.empty()) return;
  const Index n = num_samples();
  if (n == 0) throw InputError("objective '" + spec() + "': not a finite sum, batches not allowed");
  for (Index i : batch)
    if (i < 0 || i >= n)
      throw InputError("objective '" + spec() + "': sample index " + std::to_string(i) +
                       " outside [0, " + std::to_string(n) + ")");
}

std::vector<ParameterBlock> Objective::parameter_blocks() const {
  return {ParameterBlock{"theta", ParameterBlock::Kind::vector, 0, dim(), 1}};
}

std::uint64_t Objective::samples_in(Batch batch) const {
  return batch.empty() ? static_cast<std::uint64_t>(num_samples()) : batch.size();
}

double Objective::value(const Vec& theta) const { return batch_value(theta, {}); }

double Objective::value_and_gradient(const Vec& theta, Vec& gradient) const {
  return batch_value_and_gradient(theta, {}, gradient);
}

Vec Objective::gradient(const Vec& theta) const {
  Vec g;
  value_and_gradient(theta, g);
  return g;
}

void Objective::hessian_vector(const Vec& theta, const Vec& v, Vec& out) const {
  batch_hessian_vector(theta, {}, v, out);
}

Vec Objective::hessian_vector(const Vec& theta, const Vec& v) const {
  Vec out;
  hessian_vector(theta, v, out);
  return out;
}

Mat Objective::hessian(const Vec& theta) const {
  check_arguments(theta, {});
  return evaluate_hessian(theta);
}

double Objective::batch_value(const Vec& theta, Batch batch) const {
  check_arguments(theta, batch);
  count_value(batch);
  return evaluate(theta, batch, nullptr);
}

double Objective::batch_value_and_gradient(const Vec& theta, Batch batch, Vec& gradient) const {
  check_arguments(theta, batch);
  ++counters_.values;
  ++counters_.gradients;
  counters_.samples += samples_in(batch);
  return evaluate(theta, batch, &gradient);
}

void Objective::batch_hessian_vector(const Vec& theta, Batch batch, const Vec& v, Vec& out) const {
  check_arguments(theta, batch);
  if (v.size() != dim())
    throw InputError("objective '" + spec() + "': HVP direction has length " +
                     std::to_string(v.size()) + ", expected " + std::to_string(dim()));
  count_hvp(batch);
  evaluate_hvp(theta, batch, v, out);
}

void Objective::count_value(Batch batch) const {
  ++counters_.values;
  counters_.samples += samples_in(batch);
}

void Objective::count_hvp(Batch batch) const {
  ++counters_.hvps;
  counters_.samples += samples_in(batch);
}

BoundCurvature Objective::bind(const Vec& theta, Batch batch) const { return BoundCurvature(*this, theta, batch); }

// --- BoundCurvature --------------------------------------------------------------------------

BoundCurvature::BoundCurvature(const Objective& objective, const Vec& theta, Batch batch)
    : objective_(objective), theta_(theta), batch_(batch.begin(), batch.end()) {
  objective.check_arguments(theta, batch);
  kernel_ = objective.bind_hessian(theta_, batch_);
}

void BoundCurvature::product(const Vec& v, Vec& out) const {
  if (v.size() != objective_.dim())
    throw InputError("objective '" + objective_.spec() + "': HVP direction has length " + std::to_string(v.size()) +
                     ", expected " + std::to_string(objective_.dim()));
  objective_.count_hvp(batch_);
  if (kernel_)
    kernel_->hvp(v, out);
  else
    objective_.evaluate_hvp(theta_, batch_, v, out);
}

Mat BoundCurvature::dense() const {
  return symmetric_part(kernel_ || !batch_.empty() ? dense_from_products(*this) : objective_.hessian(theta_));
}

// Column j of ∇²F is ∇²F e_j: D exact HVPs, symmetrised to remove round-off asymmetry.
Mat Objective::evaluate_hessian(const Vec& theta) const {
  return symmetric_part(
      dense_from_products([&](const Vec& e, Vec& column) { hessian_vector(theta, e, column); }, dim()));
}

}  // namespace optdyn
