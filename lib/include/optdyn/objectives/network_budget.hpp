#pragma once
// Size budget of a fully connected network (MLP, teacher networks, experiment chains),
// checked before the network or its data are allocated (see optdyn/core/budget.hpp).
//
//  * parameters  P = Σ_l w_l·w_{l+1} (+ Σ_{l≥1} w_l biases) ≤ kMaxNetworkParameters
//    (2^25 ≈ 3.4e7, 256 MiB per copy of θ: optimizers, HVPs and flows keep several
//    copies). Error names `widths_key`.
//  * activations  2·n·Σ_l w_l ≤ kMaxDataDoubles (forward values and pre-activations of
//    every layer for the n samples, as backprop and the R-operator keep them). Error
//    names `n_key`.
#include <string_view>
#include <vector>

#include "optdyn/core/budget.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn {

inline constexpr double kMaxNetworkParameters = 33554432.0;

// Throws InputError("<prefix>key '<widths_key>': ...") or ("<prefix>key '<n_key>': ...").
void check_network_size(const std::vector<Index>& widths, Index n, bool bias = true,
                        std::string_view prefix = "objective 'mlp': ", std::string_view widths_key = "widths",
                        std::string_view n_key = "n");

}  // namespace optdyn
