#include "optdyn/optimizers/oracle.hpp"

#include <string>

#include "optdyn/core/error.hpp"

namespace optdyn {
namespace {

std::string access_name(OracleAccess a) {
  switch (a) {
    case OracleAccess::value: return "function values";
    case OracleAccess::hessian_vector: return "Hessian-vector products";
    case OracleAccess::hessian: return "a dense Hessian";
    case OracleAccess::least_squares: return "least-squares access (residuals, J·v, Jᵀ·u)";
    case OracleAccess::fisher: return "Fisher-vector products (a probabilistic objective)";
    case OracleAccess::dense_layers: return "dense-layer statistics (an mlp-type objective)";
    case OracleAccess::full_batch: return "full-batch gradients (one function at every step)";
  }
  return "?";
}

}  // namespace

// --- Oracle: counting front door ------------------------------------------------------------

std::vector<ParameterBlock> Oracle::parameter_blocks() const {
  return {{"theta", ParameterBlock::Kind::vector, 0, dim(), 1}};
}

void Oracle::require(OracleAccess access, std::string_view who) const {
  const std::string why = missing(access);
  if (!why.empty()) throw InputError("optimizer '" + std::string(who) + "' needs " + access_name(access) + ": " + why);
}

void Oracle::check(OracleAccess access) const {
  const std::string why = missing(access);
  if (!why.empty()) throw InputError("oracle: " + access_name(access) + " not available: " + why);
}

std::string Oracle::missing(OracleAccess) const {
  return "this oracle gives gradients only (a FunctionOracle; use an ObjectiveOracle)";
}

double Oracle::gradient_same_batch(const Vec& theta, Vec& g) {
  ++counts_.gradients;
  return evaluate_same_batch(theta, g);
}

double Oracle::value(const Vec& theta) {
  check(OracleAccess::value);
  ++counts_.values;
  return evaluate_value(theta);
}

void Oracle::hessian_vector(const Vec& theta, const Vec& v, Vec& out) {
  check(OracleAccess::hessian_vector);
  ++counts_.hvps;
  evaluate_hvp(theta, v, out);
}

Mat Oracle::hessian(const Vec& theta) {
  check(OracleAccess::hessian);
  ++counts_.hessians;
  return evaluate_hessian(theta);
}

Index Oracle::num_residuals() const {
  check(OracleAccess::least_squares);
  return least_squares_access()->num_residuals();
}

Vec Oracle::residuals(const Vec& theta) {
  check(OracleAccess::least_squares);
  ++counts_.residual_evaluations;
  return least_squares_access()->residuals(theta);
}

Vec Oracle::jacobian_vector(const Vec& theta, const Vec& v) {
  check(OracleAccess::least_squares);
  ++counts_.jacobian_products;
  return least_squares_access()->jacobian_vector(theta, v);
}

Vec Oracle::jacobian_transpose_vector(const Vec& theta, const Vec& u) {
  check(OracleAccess::least_squares);
  ++counts_.jacobian_products;
  return least_squares_access()->jacobian_transpose_vector(theta, u);
}

FunctionOperator Oracle::fisher(const Vec& theta, FisherKind kind, Rng* rng) {
  check(OracleAccess::fisher);
  FunctionOperator product = evaluate_fisher(theta, kind, rng);
  return FunctionOperator(product.rows(), [this, product = std::move(product)](const Vec& v, Vec& out) {
    ++counts_.fisher_products;
    product.apply(v, out);
  });
}

std::vector<DenseLayerStatistics> Oracle::dense_layer_statistics(const Vec& theta, FisherKind kind, Rng* rng) {
  check(OracleAccess::dense_layers);
  ++counts_.layer_statistics;
  return evaluate_dense_layers(theta, kind, rng);
}

double Oracle::evaluate_value(const Vec&) { throw std::logic_error("Oracle::evaluate_value not provided"); }
void Oracle::evaluate_hvp(const Vec&, const Vec&, Vec&) { throw std::logic_error("Oracle::evaluate_hvp not provided"); }
Mat Oracle::evaluate_hessian(const Vec&) { throw std::logic_error("Oracle::evaluate_hessian not provided"); }
FunctionOperator Oracle::evaluate_fisher(const Vec&, FisherKind, Rng*) {
  throw std::logic_error("Oracle::evaluate_fisher not provided");
}
std::vector<DenseLayerStatistics> Oracle::evaluate_dense_layers(const Vec&, FisherKind, Rng*) {
  throw std::logic_error("Oracle::evaluate_dense_layers not provided");
}

void Oracle::archive(StateArchive& a) {
  a.scope("counts", [&] { archive_counts(a, counts_); });
}

// --- ObjectiveOracle --------------------------------------------------------------------------

ObjectiveOracle::ObjectiveOracle(const Objective& f) : f_(f), rng_(0) {}

ObjectiveOracle::ObjectiveOracle(const Objective& f, Index batch_size, Sampling mode, std::uint64_t seed)
    : f_(f), rng_(Rng::derived(seed, kSamplerStream)) {
  if (batch_size != 0) sampler_.emplace(f.num_samples(), batch_size, mode);
  if (sampler_ && sampler_->full_batch()) sampler_.reset();
}

void ObjectiveOracle::archive(StateArchive& a) {
  Oracle::archive(a);
  a.constant("objective", f_.spec());
  a.constant("minibatches", sampler_ ? 1 : 0);
  if (!sampler_) return;
  a.scope("sampler", [&] { sampler_->archive(a); });
  a.field("rng", rng_);
  // The current batch: curvature queries between steps (value, HVP) evaluate it.
  std::vector<std::int64_t> batch(last_.begin(), last_.end());
  a.field("batch", batch, static_cast<std::size_t>(sampler_->batch_size()), 0, f_.num_samples() - 1);
  if (a.loading()) {
    restored_batch_.assign(batch.begin(), batch.end());
    last_ = restored_batch_;
  }
}

void ObjectiveOracle::touch(Batch batch) {
  add_samples(batch.empty() ? static_cast<std::uint64_t>(f_.num_samples()) : batch.size());
}

double ObjectiveOracle::evaluate(const Vec& theta, Vec& g) {
  last_ = sampler_ ? sampler_->next(rng_) : Batch{};
  return evaluate_same_batch(theta, g);
}

double ObjectiveOracle::evaluate_same_batch(const Vec& theta, Vec& g) {
  touch(last_);
  if (last_.empty()) return f_.value_and_gradient(theta, g);
  return f_.batch_value_and_gradient(theta, last_, g);
}

std::string ObjectiveOracle::missing(OracleAccess access) const {
  if (access == OracleAccess::fisher || access == OracleAccess::dense_layers) {
    const ProbabilisticAccess* p = f_.probabilistic();
    if (!p) return "objective '" + f_.spec() + "' is not a negative log-likelihood (mlp, softmax_regression, logistic_regression)";
    if (access == OracleAccess::dense_layers && !p->layered())
      return "objective '" + f_.spec() + "' is not a stack of dense layers";
    return {};
  }
  if (access == OracleAccess::full_batch)
    return sampler_ ? "its secant pairs / conjugate directions mix gradients of different minibatches (run with --batch 0)"
                    : std::string{};
  if (access != OracleAccess::least_squares) return {};
  if (!f_.least_squares()) return "objective '" + f_.spec() + "' is not a least-squares objective F = ½‖r‖²";
  if (sampler_) return "least-squares access is full batch only (run without a minibatch size)";
  return {};
}

double ObjectiveOracle::evaluate_value(const Vec& theta) {
  touch(last_);
  return f_.batch_value(theta, last_);
}

void ObjectiveOracle::evaluate_hvp(const Vec& theta, const Vec& v, Vec& out) {
  touch(last_);
  f_.batch_hessian_vector(theta, last_, v, out);
}

// Bound at θ on the current batch: one pass over the batch to bind, one per product.
FunctionOperator ObjectiveOracle::evaluate_fisher(const Vec& theta, FisherKind kind, Rng* rng) {
  touch(last_);
  FunctionOperator product = f_.probabilistic()->fisher(theta, last_, kind, rng);
  return FunctionOperator(product.rows(), [this, product = std::move(product)](const Vec& v, Vec& out) {
    touch(last_);
    product.apply(v, out);
  });
}

std::vector<DenseLayerStatistics> ObjectiveOracle::evaluate_dense_layers(const Vec& theta, FisherKind kind, Rng* rng) {
  touch(last_);
  return f_.probabilistic()->dense_layer_statistics(theta, last_, kind, rng);
}

// Full batch: the objective's own dense Hessian (a closed form where it has one). On a
// minibatch: D batch HVPs with the unit vectors, symmetrised.
Mat ObjectiveOracle::evaluate_hessian(const Vec& theta) {
  if (last_.empty()) {
    touch(last_);
    return f_.hessian(theta);
  }
  return symmetric_part(dense_from_products(
      [&](const Vec& e, Vec& column) {
        touch(last_);
        f_.batch_hessian_vector(theta, last_, e, column);
      },
      f_.dim()));
}

}  // namespace optdyn
