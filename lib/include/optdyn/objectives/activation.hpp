#pragma once
// Pointwise activations of the MLP with the derivatives the R-operator needs: σ, σ', σ''.
//
//   tanh      σ = tanh z,                 σ' = 1 − σ²,            σ'' = −2σ(1 − σ²)
//   relu      σ = max(z, 0),              σ' = [z > 0],           σ'' = 0
//             (PyTorch's convention: σ'(0) = 0; σ'' is 0 almost everywhere, the kink
//              contributes nothing to an a.e.-defined Hessian)
//   softplus  σ = log(1 + e^z) (exact; PyTorch's Softplus switches to z for z > 20, an
//             absolute difference below 2.1e-9), σ' = logistic(z), σ'' = σ'(1 − σ')
//   linear    σ = z,                      σ' = 1,                 σ'' = 0
//
// Every derivative above can be written in terms of the OUTPUT a = σ(z) (softplus:
// σ' = 1 − e^{−a}, 1 − σ' = e^{−a}), so the batched forms below only keep activations,
// never pre-activations.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "optdyn/core/types.hpp"

namespace optdyn {

enum class Activation { tanh, relu, softplus, linear };

// "tanh" | "relu" | "softplus" | "linear"; InputError naming `key` otherwise.
Activation parse_activation(std::string_view text, std::string_view key = "act");
std::string_view activation_name(Activation a);
// The names and values of parse_activation (tanh|relu|softplus|linear), for parameter tables.
const std::vector<std::pair<std::string, Activation>>& activation_choices();

double activation_value(Activation a, double z);
double activation_derivative(Activation a, double z);         // σ'(z)
double activation_second_derivative(Activation a, double z);  // σ''(z)

// --- batched forms used by the MLP (element-wise over a whole matrix) -------------------
// m ← σ(m), in place.
void activation_apply(Activation act, Eigen::Ref<Mat> m);
// m ← σ'(z) ⊙ m, where a = σ(z) (backprop through the activation).
void activation_backprop(Activation act, const Eigen::Ref<const Mat>& a, Eigen::Ref<Mat> m);
// m ← σ'(z) ⊙ m, where a = σ(z) (forward R pass: R{a} = σ'(z) ⊙ R{z}).
inline void activation_forward_tangent(Activation act, const Eigen::Ref<const Mat>& a,
                                       Eigen::Ref<Mat> m) {
  activation_backprop(act, a, m);
}
// The backward R pass through the activation (Pearlmutter 1994, eq. for R{∂E/∂x}):
// with p = Wᵀδ_next (the backpropagated signal before the activation), q = R{p} and
// rz = R{z}:   δ = σ' ⊙ p,   R{δ} = σ' ⊙ q + σ'' ⊙ p ⊙ rz.
// On return p holds δ and q holds R{δ}. a = σ(z).
void activation_r_backprop(Activation act, const Eigen::Ref<const Mat>& a, Eigen::Ref<Mat> p,
                           Eigen::Ref<Mat> q, const Eigen::Ref<const Mat>& rz);

}  // namespace optdyn
