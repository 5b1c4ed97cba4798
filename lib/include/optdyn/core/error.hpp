#pragma once
// Errors a user can cause (bad spec, unknown key, malformed or missing file). Front ends
// catch InputError, print its one-line message and exit with status 2 (doc/design.md, "Bad input and exit codes").
#include <cmath>
#include <stdexcept>
#include <string>

namespace optdyn {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

// A run that has left the floating-point numbers: a loss, gradient, parameter, line-search
// trial, linear solve or monitor product that overflowed or became NaN. It is thrown where
// that is found, with the place leading the message ("line search: loss is inf at the first
// trial step"), and caught once, by the loop that writes rows: that loop keeps the rows so
// far, writes status `diverged` with the message as reason and exits with kExitDiverged.
// Deep code therefore never has to guess a sensible value to go on with; a divergence that an
// experiment expects (a step size past 2/L) is data there, not an error.
class DivergenceError : public std::runtime_error {
 public:
  explicit DivergenceError(const std::string& where_and_what) : std::runtime_error(where_and_what) {}
};

// "inf", "-inf" or "nan": how a non-finite number reads in a divergence reason.
inline std::string non_finite_name(double x) {
  if (std::isnan(x)) return "nan";
  return x > 0 ? "inf" : "-inf";
}

// Exit codes of every optdyn front end (doc/design.md, "Bad input and exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitDiverged = 3;

}  // namespace optdyn
