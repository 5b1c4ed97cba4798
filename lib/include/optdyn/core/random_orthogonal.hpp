#pragma once
// Haar-distributed random orthogonal matrices (quadratic rotations, orthogonal init).
#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn {

// A Haar-distributed (semi-)orthogonal rows × cols matrix (Mezzadri 2007, "How to generate
// random matrices from the classical compact groups", §5): QR of a standard Gaussian tall
// matrix, each column of Q multiplied by the sign of R's diagonal entry (without the sign
// fix the distribution is not Haar). A wide matrix is the transpose of a tall one: then
// Q Qᵀ = I instead of QᵀQ = I. Draws rows·cols normals, column by column.
Mat haar_orthogonal(Index rows, Index cols, Rng& rng);

inline Mat haar_orthogonal(Index n, Rng& rng) { return haar_orthogonal(n, n, rng); }

}  // namespace optdyn
