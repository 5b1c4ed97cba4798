// Grid tuning of the learning rate (DeepOBS, Schneider et al. 2019); conventions in
// learning_rate_tuning.hpp.
#include "optdyn/analysis/learning_rate_tuning.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace optdyn::analysis {

std::optional<std::size_t> tuned_index(std::span<const double> metric) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < metric.size(); ++i) {
    if (std::isnan(metric[i]) || metric[i] == std::numeric_limits<double>::infinity()) continue;  // diverged
    if (!best || metric[i] < metric[*best]) best = i;              // strict: ties keep the smaller index
  }
  return best;
}

std::vector<double> grid_metric(const std::vector<std::vector<double>>& seed_metrics) {
  std::vector<double> out;
  for (const std::vector<double>& seeds : seed_metrics) {
    if (seeds.empty()) throw std::invalid_argument("grid_metric: a grid value has no seeds");
    double sum = 0.0;
    for (double m : seeds) sum += m;
    const bool diverged = std::isnan(sum) || sum == std::numeric_limits<double>::infinity();
    out.push_back(diverged ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(seeds.size()));
  }
  return out;
}

bool at_grid_edge(std::size_t index, std::size_t grid_size) { return index == 0 || index + 1 == grid_size; }

}  // namespace optdyn::analysis
