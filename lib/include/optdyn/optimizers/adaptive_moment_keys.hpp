#pragma once
// The keys the Adam family (adam, amsgrad, nadam, adamax) shares, declared once: the step
// size and the first-moment EMA, and the second-moment EMA with its ε. A parameter struct
// that uses them has members lr, beta1 (and beta2, eps).
#include "optdyn/core/params.hpp"

namespace optdyn {

// lr > 0; β₁ ∈ [0, 1): m ← β₁m + (1−β₁)g.
template <class P>
void first_moment_keys(ParamTable<P>& t) {
  t.real("lr", &P::lr, Range::positive(), "learning rate η")
      .real("beta1", &P::beta1, Range::below(0.0, 1.0), "EMA coefficient β₁ of g, in [0, 1)");
}

// β₂ ∈ [0, 1): v ← β₂v + (1−β₂)g²; ε ∈ (0, 1] (ε = 0 would give 0/0 where g has been 0).
template <class P>
void second_moment_keys(ParamTable<P>& t) {
  t.real("beta2", &P::beta2, Range::below(0.0, 1.0), "EMA coefficient β₂ of g², in [0, 1)")
      .real("eps", &P::eps, Range::above(0.0, 1.0), "ε added to √v̂");
}

}  // namespace optdyn
