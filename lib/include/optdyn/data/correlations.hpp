#pragma once
// Saxe, McClelland & Ganguli (2013) correlation matrices of a data set, in THEIR convention:
// SUMS over the n samples (not means), so that gradient descent with step λ on the summed
// squared error Σ_i ½‖y_i − W x_i‖² is the Euler discretisation (dt = 1) of
// τ dW/dt = Σ³¹ − W Σ¹¹ with τ = 1/λ (doc/references.md, "Saxe, McClelland, Ganguli 2013").
//
//   Σ¹¹ = Σ_i x_i x_iᵀ   (input correlation, d × d)
//   Σ³¹ = Σ_i y_i x_iᵀ   (input–output correlation, k × d)
//
// The objectives of this library average over samples (F = (1/n) Σ_i L_i); with the mean
// convention the matrices are Σ/n and time rescales by n (t_mean = n·t_sum for the same
// trajectory). Divide by data.size() to get the mean-convention matrices.
#include "optdyn/core/types.hpp"
#include "optdyn/data/dataset.hpp"

namespace optdyn {

// Σ¹¹ = X Xᵀ with X = data.inputs (d × n).
inline Mat input_correlation(const Dataset& data) {
  return data.inputs * data.inputs.transpose();
}

// Σ³¹ = Y Xᵀ with Y = data.targets (k × n).
inline Mat input_output_correlation(const Dataset& data) {
  return data.targets * data.inputs.transpose();
}

}  // namespace optdyn
