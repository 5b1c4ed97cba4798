#pragma once
// Basic numeric types shared by the whole library. Everything is double precision.
#include <Eigen/Dense>
#include <cstdint>
#include <span>

namespace optdyn {

using Index = Eigen::Index;
using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;
using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The samples a finite-sum quantity is averaged over. An empty batch means "all samples":
// F(θ) = (1/n) Σ_i L(x_i, θ); a batch B gives the mean (1/|B|) Σ_{i∈B} L(x_i, θ).
using Batch = std::span<const Index>;

}  // namespace optdyn
