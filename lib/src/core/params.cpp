#include "optdyn/core/params.hpp"

namespace optdyn {

double Range::read(const Spec& spec, std::string_view key) const {
  switch (kind_) {
    case Kind::any: return spec.real(key);
    case Kind::positive: return spec.positive(key);
    case Kind::closed: return spec.real(key, lo_, hi_);
    case Kind::below: return spec.real_below(key, lo_, hi_);
    case Kind::above: return spec.real_above(key, lo_, hi_);
  }
  return spec.real(key);
}

std::string Range::text() const {
  const auto n = [](double x) { return format_shortest(x); };
  switch (kind_) {
    case Kind::any: return "";
    case Kind::positive: return "(0, inf)";
    case Kind::closed: return "[" + n(lo_) + ", " + n(hi_) + "]";
    case Kind::below: return "[" + n(lo_) + ", " + n(hi_) + ")";
    case Kind::above: return "(" + n(lo_) + ", " + n(hi_) + "]";
  }
  return "";
}

std::string param_text(double x) { return format_shortest(x); }
std::string param_text(bool x) { return x ? "true" : "false"; }
std::string param_text(long x) { return std::to_string(x); }
std::string param_text(std::uint64_t x) { return std::to_string(x); }
std::string param_text(const std::string& x) { return x; }

std::string join_params(const std::vector<long>& xs, char separator) {
  std::string out;
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? std::string(1, separator) : "") + std::to_string(xs[i]);
  return out;
}

std::string join_params(const std::vector<double>& xs, char separator) {
  std::string out;
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? std::string(1, separator) : "") + format_shortest(xs[i]);
  return out;
}

}  // namespace optdyn
