#pragma once
// The line-search keys shared by the methods that search, declared once (line_search.hpp for
// the searches themselves). A parameter struct that uses them has the members
//   line_search (LineSearchKind), c1, rho    backtracking_keys: newton, damped_newton,
//                                            gauss_newton (none | backtracking, Armijo)
//   line_search (LineSearchKind), c1, c2     wolfe_keys: nonlinear_cg, bfgs, lbfgs
//                                            (strong_wolfe | exact_quadratic)
// and line_search_options(p) turns them into the LineSearchOptions the searches take.
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/line_search.hpp"

namespace optdyn {

// line_search ∈ {none, backtracking}; c₁, ρ ∈ (0, 1).
template <class P>
void backtracking_keys(ParamTable<P>& t) {
  t.choice("line_search", &P::line_search,
           {{"none", LineSearchKind::none}, {"backtracking", LineSearchKind::backtracking}},
           "none | backtracking (Armijo, from α₀ = lr)")
      .real("c1", &P::c1, Range::above(0.0, 1.0), "Armijo sufficient-decrease constant c₁")
      .real("rho", &P::rho, Range::above(0.0, 1.0), "backtracking contraction ρ")
      .rule([](const P& p, const Spec& s) {
        if (p.c1 >= 1.0 || p.rho >= 1.0) s.reject(p.c1 >= 1.0 ? "c1" : "rho", "must be < 1");
      });
}

// line_search ∈ {strong_wolfe, exact_quadratic}; 0 < c₁ < c₂ < 1 (strong Wolfe).
template <class P>
void wolfe_keys(ParamTable<P>& t, std::string c2_help = "curvature constant c₂ (c₁ < c₂ < 1)") {
  t.choice("line_search", &P::line_search,
           {{"strong_wolfe", LineSearchKind::strong_wolfe}, {"exact_quadratic", LineSearchKind::exact_quadratic}},
           "strong_wolfe | exact_quadratic (quadratics: exact minimiser, one HVP)")
      .real("c1", &P::c1, Range::above(0.0, 1.0), "sufficient-decrease constant c₁")
      .real("c2", &P::c2, Range::above(0.0, 1.0), std::move(c2_help))
      .rule([](const P& p, const Spec& s) {
        if (p.c1 >= 1.0) s.reject("c1", "must be < 1");
        if (!(p.c1 < p.c2 && p.c2 < 1.0)) s.reject("c2", "need c1 < c2 < 1 (strong Wolfe)");
      });
}

// The LineSearchOptions of a struct with backtracking_keys or wolfe_keys (other fields at
// their LineSearchOptions defaults).
template <class P>
LineSearchOptions line_search_options(const P& p) {
  LineSearchOptions o;
  o.kind = p.line_search;
  o.c1 = p.c1;
  if constexpr (requires { p.rho; }) o.rho = p.rho;
  if constexpr (requires { p.c2; }) o.c2 = p.c2;
  return o;
}

}  // namespace optdyn
