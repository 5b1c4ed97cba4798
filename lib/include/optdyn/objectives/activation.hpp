#pragma once
// Pointwise activations of the MLP with the derivatives the R-operator needs: σ, σ', σ''.
#include <string_view>

namespace optdyn {

enum class Activation { tanh, relu, softplus, linear };

// "tanh" | "relu" | "softplus" | "linear"; InputError naming `key` otherwise.
Activation parse_activation(std::string_view text, std::string_view key = "act");
std::string_view activation_name(Activation a);

double activation_value(Activation a, double z);
double activation_derivative(Activation a, double z);         // σ'(z)
double activation_second_derivative(Activation a, double z);  // σ''(z)

}  // namespace optdyn
