#include "optdyn/objectives/registry.hpp"

#include "optdyn/objectives/deep_linear.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/logistic_regression.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/rosenbrock.hpp"
#include "optdyn/objectives/saddles.hpp"
#include "optdyn/objectives/softmax_regression.hpp"
#include "optdyn/objectives/spherical_pspin.hpp"

namespace optdyn {

const ObjectiveRegistry& objective_registry() {
  static const ObjectiveRegistry registry = [] {
    ObjectiveRegistry r("objective");
    r.add(quadratic_entry());
    r.add(rosenbrock_entry());
    r.add(saddle_entry());
    r.add(monkey_saddle_entry());
    r.add(plateau_saddle_entry());
    r.add(least_squares_entry());
    r.add(logistic_regression_entry());
    r.add(softmax_regression_entry());
    r.add(deep_linear_entry());
    r.add(mlp_entry());
    r.add(spherical_pspin_entry());
    return r;
  }();
  return registry;
}

}  // namespace optdyn
