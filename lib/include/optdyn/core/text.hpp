#pragma once
// Small text helpers shared by the spec parser, the --x0 reader and the front ends:
// trimming, strict whole-string number parsing and round-trippable number formatting.
#include <string>
#include <string_view>

namespace optdyn {

// `s` without leading and trailing characters from `blanks` (default: space and tab).
std::string_view trim(std::string_view s, std::string_view blanks = " \t");

// Parses the whole of `s` as a finite double (strtod syntax); false on an empty string,
// trailing characters, overflow (ERANGE) or a non-finite value (inf, nan). No trimming
// (but strtod itself skips leading whitespace).
bool parse_double(std::string_view s, double& out);
// Parses the whole of `s` as a base-10 long; false on an empty string, trailing
// characters or overflow. No trimming (strtol skips leading whitespace).
bool parse_long(std::string_view s, long& out);

// printf("%.<digits>g"): 17 digits (the default) round-trip every double.
std::string format_number(double x, int digits = 17);
// The fewest significant digits that parse back to exactly x, written fixed for
// 1e-3 ≤ |x| < 1e16 (and 0) and scientific otherwise with a bare exponent:
// 0.001, 0.9, 1000, 1e-8, 2.5e-10, 1e300.
std::string format_shortest(double x);

}  // namespace optdyn
