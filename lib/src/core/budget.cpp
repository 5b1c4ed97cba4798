#include "optdyn/core/budget.hpp"

#include <cmath>

#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn {

std::string gib_of_doubles(double doubles) {
  return format_number(doubles * 8.0 / 1073741824.0, 3) + " GiB";
}

void check_doubles(double doubles, std::string_view prefix, std::string_view key, std::string_view what,
                   double budget) {
  if (doubles <= budget) return;  // false for NaN: rejected below
  throw InputError(std::string(prefix) + "key '" + std::string(key) + "': " + std::string(what) + " needs " +
                   format_number(doubles, 4) + " doubles (" + gib_of_doubles(doubles) +
                   "), more than the budget of " + gib_of_doubles(budget));
}

}  // namespace optdyn
