#pragma once
// Memory budgets for user-controlled sizes (doc/design.md, "Memory budgets": an
// oversized spec is an InputError naming the key, never std::bad_alloc, a hang or
// gigabytes of memory). Sizes are checked in floating point, before anything is
// allocated, so that products of large integers cannot overflow.
#include <string>
#include <string_view>

namespace optdyn {

// The largest block of doubles one input may ask for: 2^28 doubles = 2 GiB (e.g. the
// n × (d + k) data matrix of a data set, the n × dim matrix A of least_squares).
inline constexpr double kMaxDataDoubles = 268435456.0;

// Throws InputError("<prefix>key '<key>': <what> needs N doubles (X GiB), more than the
// budget of B GiB") when `doubles` > `budget` (or is not a finite number). `prefix` is the
// start of the message, e.g. "objective 'least_squares': " (may be empty).
void check_doubles(double doubles, std::string_view prefix, std::string_view key, std::string_view what,
                   double budget = kMaxDataDoubles);

// "1.5 GiB": a number of doubles as bytes, for messages.
std::string gib_of_doubles(double doubles);

}  // namespace optdyn
