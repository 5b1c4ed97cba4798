#pragma once
// Choosing a learning rate from a grid, as in DeepOBS (Schneider, Balles & Hennig 2019, §3):
// every grid value is run at a fixed budget, and the value with the best final metric (lower
// is better: a loss or an error rate) is chosen. Conventions:
//  * a metric that is NaN or +inf (the run diverged) is worse than every finite one;
//  * ties are broken towards the smaller index (grids are ascending: the smaller step);
//  * the metric of a grid value over several tuning seeds is their mean; one diverged seed
//    makes the value diverged (a step that sometimes blows up is not a safe choice).
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace optdyn::analysis {

// The index of the best metric; nullopt when every value diverged (or the grid is empty).
std::optional<std::size_t> tuned_index(std::span<const double> metric);

// The mean over seeds of each grid value (seed_metrics[i] = the metrics of value i), NaN when
// any seed is NaN or +inf. std::invalid_argument for a grid value with no seeds.
std::vector<double> grid_metric(const std::vector<std::vector<double>>& seed_metrics);

// Whether the chosen index is at an end of the grid (the optimum may lie outside it).
bool at_grid_edge(std::size_t index, std::size_t grid_size);

}  // namespace optdyn::analysis
