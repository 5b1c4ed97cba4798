#include "optdyn/core/text.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace optdyn {

std::string_view trim(std::string_view s, std::string_view blanks) {
  const std::size_t first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return s.substr(s.size());
  const std::size_t last = s.find_last_not_of(blanks);
  return s.substr(first, last - first + 1);
}

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const std::string s(text);  // strtod needs a terminated string
  errno = 0;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE && std::isfinite(out);
}

bool parse_long(std::string_view text, long& out) {
  if (text.empty()) return false;
  const std::string s(text);
  errno = 0;
  char* end = nullptr;
  out = std::strtol(s.c_str(), &end, 10);
  return end == s.c_str() + s.size() && errno != ERANGE;
}

std::string format_number(double x, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, x);
  return buffer;
}

}  // namespace optdyn

namespace optdyn {

std::string format_shortest(double x) {
  if (!std::isfinite(x)) return format_number(x);
  const double a = std::fabs(x);
  const bool fixed = a == 0.0 || (a >= 1e-3 && a < 1e16);
  char buffer[64];
  for (int digits = 1; digits <= 17; ++digits) {
    // %.*e has digits-1 decimals; the value then decides fixed or scientific writing.
    std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, x);
    if (std::strtod(buffer, nullptr) == x) break;
  }
  std::string sci = buffer;  // d.ddde±XX
  const std::size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  const int exponent = std::atoi(sci.c_str() + e + 1);
  if (mantissa.find('.') != std::string::npos) {
    while (mantissa.back() == '0') mantissa.pop_back();
    if (mantissa.back() == '.') mantissa.pop_back();
  }
  if (!fixed) return mantissa + "e" + std::to_string(exponent);
  // Fixed: move the decimal point of the shortest mantissa by the exponent.
  const bool negative = mantissa[0] == '-';
  std::string digits_only;
  for (char c : mantissa)
    if (c >= '0' && c <= '9') digits_only += c;
  const int point = exponent + 1;  // digits before the decimal point
  std::string out;
  if (point <= 0)
    out = "0." + std::string(static_cast<std::size_t>(-point), '0') + digits_only;
  else if (point >= static_cast<int>(digits_only.size()))
    out = digits_only + std::string(static_cast<std::size_t>(point) - digits_only.size(), '0');
  else
    out = digits_only.substr(0, static_cast<std::size_t>(point)) + "." + digits_only.substr(static_cast<std::size_t>(point));
  return (negative ? "-" : "") + out;
}

}  // namespace optdyn
