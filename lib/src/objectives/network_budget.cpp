#include "optdyn/objectives/network_budget.hpp"

namespace optdyn {

void check_network_size(const std::vector<Index>& widths, Index n, bool bias, std::string_view prefix,
                        std::string_view widths_key, std::string_view n_key) {
  double parameters = 0.0, units = 0.0;
  for (std::size_t l = 0; l < widths.size(); ++l) {
    const double w = static_cast<double>(widths[l]);
    units += w;
    if (l + 1 < widths.size()) {
      const double next = static_cast<double>(widths[l + 1]);
      parameters += w * next + (bias ? next : 0.0);
    }
  }
  check_doubles(parameters, prefix, widths_key, "the network's parameters (sum of w_l*w_{l+1} plus biases)",
                kMaxNetworkParameters);
  check_doubles(2.0 * static_cast<double>(n) * units, prefix, n_key,
                "the activations of n = " + std::to_string(n) + " samples through every layer");
}

}  // namespace optdyn
