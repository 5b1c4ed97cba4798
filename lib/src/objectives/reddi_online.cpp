// Reddi et al.'s online counterexample as a finite sum of three linear functions; see
// reddi_online.hpp.
#include "optdyn/objectives/reddi_online.hpp"

#include <cmath>
#include <utility>

#include "optdyn/objectives/registry.hpp"

namespace optdyn {

// F_B(x) = mean_{i∈B} s_i x with s_0 = C, s_1 = s_2 = −1 (the empty batch: all three).
double ReddiOnline::evaluate(const Vec& theta, Batch batch, Vec* gradient) const {
  double slope = 0;
  if (batch.empty()) {
    slope = (c_ - 2.0) / 3.0;
  } else {
    for (const Index i : batch) slope += i == 0 ? c_ : -1.0;
    slope /= static_cast<double>(batch.size());
  }
  if (gradient) *gradient = Vec::Constant(1, slope);
  return slope * theta[0];
}

// Linear: ∇²F = 0.
void ReddiOnline::evaluate_hvp(const Vec&, Batch, const Vec&, Vec& out) const { out = Vec::Zero(1); }

// R_T = Σ_t s_t x_t + |Σ_t s_t| (reddi_online.hpp).
double ReddiOnline::regret(std::span<const double> points) const {
  double played = 0, total_slope = 0;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const double s = slope(k + 1);
    played += s * points[k];
    total_slope += s;
  }
  return played + std::abs(total_slope);
}

namespace {
std::unique_ptr<ReddiOnline> build_reddi_online(const ReddiOnlineParams& p, std::string spec) {
  return std::make_unique<ReddiOnline>(p.c, std::move(spec));
}
}  // namespace

const ParamTable<ReddiOnlineParams>& ReddiOnlineParams::table() {
  using P = ReddiOnlineParams;
  static const auto t =
      ParamTable<P>("objective", "reddi_online",
                    "f_t(x) = C·x for t mod 3 = 1, −x otherwise (D = 1, n = 3; sample i = (t−1) mod 3): Reddi, Kale & "
                    "Kumar 2018's counterexample to Adam; run it with sampling=cyclic, batch 1 and |project_box")
          .real("c", &P::c, Range::above(2.0, 1e12), "C > 2: the slope of every third function");
  return t;
}

std::unique_ptr<ReddiOnline> make_reddi_online(const ReddiOnlineParams& params) {
  return make_typed_objective(params, build_reddi_online);
}
RegistryEntry<ObjectivePtr> reddi_online_entry() { return typed_objective_entry<ReddiOnlineParams>(build_reddi_online); }

}  // namespace optdyn
