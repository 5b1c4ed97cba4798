#pragma once
// What several subcommands share besides the trajectory rows (trajectory_recorder.hpp): an
// optional finite-number option (--diverge-above of run, flow and compare), the integrator's
// statistics in the status files of flow and compare, and evaluation counts in every file.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "optdyn/integrators/integrator.hpp"
#include "optdyn/objectives/objective.hpp"
#include "tool/command.hpp"

namespace optdyn::tool {

// The value of option --NAME when given; InputError "--NAME: must be finite" when it is not.
std::optional<double> finite_option(const po::variables_map& vm, const std::string& name);

// Appends, in this order: "steps", "rejected", "rhs_evaluations", "jacobian_products",
// "jacobians", "newton_iterations", "linear_iterations" (integrator.hpp, IntegrationStats).
void add_integration_statistics(nlohmann::ordered_json& status, const IntegrationStats& stats);

// Appends the counters named in `names`, in that order, under their names (EvaluationCounts,
// objective.hpp count_fields).
void add_evaluation_counts(nlohmann::ordered_json& status, const EvaluationCounts& counts,
                           std::initializer_list<std::string_view> names);

}  // namespace optdyn::tool
