// FlowParams: to_spec and the typed factory of whichever flow the variant holds (flow_params.hpp).
#include "optdyn/flows/flow_params.hpp"

#include <stdexcept>
#include <utility>

#include "optdyn/flows/registry.hpp"

namespace optdyn {
namespace {

FlowPtr make_one(const Objective& f, const GradientFlowParams& p) { return make_gradient_flow(f, p); }
FlowPtr make_one(const Objective& f, const ModifiedGdFlowParams& p) { return make_modified_gd_flow(f, p); }
FlowPtr make_one(const Objective& f, const CentralFlowParams& p) { return make_central_flow(f, p); }
FlowPtr make_one(const Objective& f, const RmspropCentralFlowParams& p) { return make_rmsprop_central_flow(f, p); }
FlowPtr make_one(const Objective& f, const HeavyBallFlowParams& p) { return make_heavy_ball_flow(f, p); }
FlowPtr make_one(const Objective& f, const HbHighResFlowParams& p) { return make_hb_high_res_flow(f, p); }
FlowPtr make_one(const Objective& f, const NagScHighResFlowParams& p) { return make_nag_sc_high_res_flow(f, p); }
FlowPtr make_one(const Objective& f, const NagCHighResFlowParams& p) { return make_nag_c_high_res_flow(f, p); }
FlowPtr make_one(const Objective& f, const NesterovOdeFlowParams& p) { return make_nesterov_ode_flow(f, p); }
FlowPtr make_one(const Objective& f, const RmspropOdeFlowParams& p) { return make_rmsprop_ode_flow(f, p); }
FlowPtr make_one(const Objective& f, const AdamOdeFlowParams& p) { return make_adam_ode_flow(f, p); }
FlowPtr make_one(const Objective& f, const NewtonFlowParams& p) { return make_newton_flow(f, p); }
FlowPtr make_one(const Objective& f, const SaddleFreeFlowParams& p) { return make_saddle_free_flow(f, p); }
FlowPtr make_one(const Objective& f, const NaturalGradientFlowParams& p) { return make_natural_gradient_flow(f, p); }
FlowPtr make_one(const Objective& f, const SgdSdeFlowParams& p) { return make_sgd_sde_flow(f, p); }

// The alternative whose table has the spec's name, read from the resolved spec.
template <std::size_t... I>
FlowParams read_flow(const Spec& s, std::index_sequence<I...>) {
  FlowParams out;
  const bool found = ((std::variant_alternative_t<I, FlowParams>::table().name() == s.name()
                           ? (out = std::variant_alternative_t<I, FlowParams>::table().from_spec(s), true)
                           : false) ||
                      ...);
  if (!found) throw std::logic_error("flow '" + s.name() + "' is registered but not in FlowParams");
  return out;
}

}  // namespace

FlowParams parse_flow(std::string_view spec) {
  return read_flow(flow_registry().resolve(spec), std::make_index_sequence<std::variant_size_v<FlowParams>>{});
}

std::string flow_spec(const FlowParams& params) {
  return std::visit([](const auto& p) { return std::decay_t<decltype(p)>::table().to_spec(p); }, params);
}

FlowPtr make_flow(const FlowParams& params, const Objective& objective) {
  return std::visit([&](const auto& p) { return make_one(objective, p); }, params);
}

}  // namespace optdyn
