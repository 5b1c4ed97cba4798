#pragma once
// Every flow's parameter struct as one value type: a flow named by typed parameters instead
// of a spec string (the limits layer answers an optimizer with one of these).
//
//   FlowParams p = HeavyBallFlowParams{.mass = 0.0095, .friction = 0.1};
//   FlowPtr flow = make_flow(p, f);  // the table's checks, then the flow
//   flow_spec(p) == flow->spec()     // "heavy_ball:mass=0.0095,friction=0.1,v0=0"
#include <string>
#include <string_view>
#include <variant>

#include "optdyn/flows/adaptive_moment_odes.hpp"
#include "optdyn/flows/central_flow.hpp"
#include "optdyn/flows/flow.hpp"
#include "optdyn/flows/gradient_flow.hpp"
#include "optdyn/flows/modified_gd.hpp"
#include "optdyn/flows/momentum_flows.hpp"
#include "optdyn/flows/natural_gradient_flow.hpp"
#include "optdyn/flows/newton_flow.hpp"
#include "optdyn/flows/rmsprop_central_flow.hpp"
#include "optdyn/flows/saddle_free_flow.hpp"
#include "optdyn/flows/sgd_sde.hpp"

namespace optdyn {

using FlowParams =
    std::variant<GradientFlowParams, ModifiedGdFlowParams, CentralFlowParams, RmspropCentralFlowParams, HeavyBallFlowParams, HbHighResFlowParams,
                 NagScHighResFlowParams, NagCHighResFlowParams, NesterovOdeFlowParams, RmspropOdeFlowParams,
                 AdamOdeFlowParams, NewtonFlowParams, SaddleFreeFlowParams, NaturalGradientFlowParams, SgdSdeFlowParams>;

// The typed parameters of a flow spec, every key checked through its table (unknown names and
// keys, bad values: the InputErrors of make_flow(spec)). Objective-dependent checks (a
// finite-sum or probabilistic objective, saddle_free's max_dim) are made when the flow is built.
FlowParams parse_flow(std::string_view spec);

// `name:key=value,...` of the held parameters (their table's to_spec: every key, shortest numbers).
std::string flow_spec(const FlowParams& params);

// The flow on `objective`, by the typed factory of the held parameters (InputError naming the
// key when a value is out of range, as make_flow(spec) would).
FlowPtr make_flow(const FlowParams& params, const Objective& objective);

}  // namespace optdyn
