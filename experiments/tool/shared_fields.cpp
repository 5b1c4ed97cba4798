#include "tool/shared_fields.hpp"

#include <cmath>

#include "optdyn/core/error.hpp"

namespace optdyn::tool {

std::optional<double> finite_option(const po::variables_map& vm, const std::string& name) {
  if (vm.count(name) == 0) return std::nullopt;
  const double value = vm[name].as<double>();
  if (!std::isfinite(value)) throw InputError("--" + name + ": must be finite");
  return value;
}

void add_integration_statistics(nlohmann::ordered_json& status, const IntegrationStats& stats) {
  status["steps"] = stats.steps;
  status["rejected"] = stats.rejected;
  status["rhs_evaluations"] = stats.rhs_evaluations;
  status["jacobian_products"] = stats.jacobian_products;
  status["jacobians"] = stats.jacobians;
  status["newton_iterations"] = stats.newton_iterations;
  status["linear_iterations"] = stats.linear_iterations;
}

void add_evaluation_counts(nlohmann::ordered_json& status, const EvaluationCounts& counts,
                           std::initializer_list<std::string_view> names) {
  for (const auto& [name, value] : count_fields(counts, names)) status[std::string(name)] = value;
}

}  // namespace optdyn::tool
