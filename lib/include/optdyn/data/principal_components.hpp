#pragma once
// Inputs reduced to their leading principal components (Pearson 1901; Hotelling 1933): with the
// centred inputs X̃ = X − μ1ᵀ (d × n) and the eigen-decomposition of the sample covariance
// C = X̃X̃ᵀ/n = Σ_j λ_j e_j e_jᵀ (λ descending), sample i becomes
//     z_i = (e_1ᵀx̃_i/√λ_1, …, e_mᵀx̃_i/√λ_m)
// (PCA whitening: the m coordinates have mean 0 and unit variance over the sample). Small
// networks on image data (Dauphin et al. 2014 and Pennington & Bahri 2017 use small MLPs) see
// m ≪ 784 inputs this way, so that dense Hessians stay cheap.
#include "optdyn/core/types.hpp"
#include "optdyn/data/dataset.hpp"

namespace optdyn {

// Replaces data.inputs by the m × n whitened principal coordinates. InputError for m < 1,
// m > min(d, n − 1) or a component of zero variance.
void project_on_principal_components(Dataset& data, Index components);

}  // namespace optdyn
