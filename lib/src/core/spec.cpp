#include "optdyn/core/spec.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn {
namespace {

bool valid_identifier(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(separator, start);
    parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return parts;
}

}  // namespace

Spec Spec::parse(std::string_view text, std::string_view kind) {
  Spec spec;
  spec.kind_ = std::string(kind);
  text = trim(text);
  const std::size_t colon = text.find(':');
  spec.name_ = std::string(trim(text.substr(0, colon)));
  if (!valid_identifier(spec.name_))
    throw InputError(spec.kind_ + " spec '" + std::string(text) + "': missing or malformed name");
  if (colon == std::string_view::npos) return spec;
  std::string_view rest = text.substr(colon + 1);
  if (trim(rest).empty()) return spec;
  for (const std::string& item : split(std::string(rest), ',')) {
    const std::size_t eq = item.find('=');
    std::string key(trim(std::string_view(item).substr(0, eq)));
    if (eq == std::string::npos || !valid_identifier(key))
      throw InputError(spec.kind_ + " '" + spec.name_ + "': malformed entry '" + item +
                       "' (expected key=value)");
    if (spec.find(key))
      throw InputError(spec.kind_ + " '" + spec.name_ + "': key '" + key + "' given twice");
    spec.entries_.emplace_back(key, std::string(trim(std::string_view(item).substr(eq + 1))));
    spec.given_.push_back(key);
  }
  return spec;
}

void Spec::apply_schema(const std::vector<ParamInfo>& params) {
  for (const auto& entry : entries_) {
    const std::string& key = entry.first;
    const bool known = std::any_of(params.begin(), params.end(),
                                   [&](const ParamInfo& p) { return p.key == key; });
    if (!known) {
      std::string keys;
      for (const auto& p : params) keys += (keys.empty() ? "" : ", ") + p.key;
      fail(key, "unknown key (keys: " + (keys.empty() ? std::string("none") : keys) + ")");
    }
  }
  // Reorder into schema order, adding defaults, so canonical() is stable.
  std::vector<std::pair<std::string, std::string>> ordered;
  for (const auto& p : params) {
    if (const std::string* given = find(p.key))
      ordered.emplace_back(p.key, *given);
    else if (!p.default_value.empty())
      ordered.emplace_back(p.key, p.default_value);
  }
  entries_ = std::move(ordered);
}

const std::string* Spec::find(std::string_view key) const {
  for (const auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

const std::string& Spec::require(std::string_view key) const {
  if (const std::string* v = find(key)) return *v;
  fail(key, "missing value");
}

void Spec::fail(std::string_view key, std::string_view what) const {
  throw InputError(kind_ + " '" + name_ + "': key '" + std::string(key) + "': " + std::string(what));
}

bool Spec::has(std::string_view key) const { return find(key) != nullptr; }

bool Spec::given(std::string_view key) const {
  return std::find(given_.begin(), given_.end(), key) != given_.end();
}

std::string Spec::text(std::string_view key) const { return require(key); }

double Spec::real(std::string_view key) const {
  double x;
  if (!parse_double(require(key), x)) fail(key, "'" + require(key) + "' is not a finite number in double range (0, or |x| in [2.2e-308, 1.8e308])");
  return x;
}

double Spec::real(std::string_view key, double lo, double hi) const {
  const double x = real(key);
  if (!(x >= lo && x <= hi))
    fail(key, require(key) + " is outside [" + format_number(lo, 15) + ", " + format_number(hi, 15) + "]");
  return x;
}

double Spec::real_below(std::string_view key, double lo, double hi) const {
  const double x = real(key);
  if (!(x >= lo && x < hi))
    fail(key, require(key) + " is outside [" + format_number(lo, 15) + ", " + format_number(hi, 15) + ")");
  return x;
}

double Spec::real_above(std::string_view key, double lo, double hi) const {
  const double x = real(key);
  if (!(x > lo && x <= hi))
    fail(key, require(key) + " is outside (" + format_number(lo, 15) + ", " + format_number(hi, 15) + "]");
  return x;
}

double Spec::positive(std::string_view key) const {
  const double x = real(key);
  if (!(x > 0)) fail(key, require(key) + " must be > 0");
  return x;
}

long Spec::integer(std::string_view key, long lo, long hi) const {
  long x;
  if (!parse_long(require(key), x)) fail(key, "'" + require(key) + "' is not an integer");
  if (x < lo || x > hi)
    fail(key, require(key) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return x;
}

std::uint64_t Spec::seed(std::string_view key) const {
  return static_cast<std::uint64_t>(integer(key, 0, std::numeric_limits<long>::max()));
}

bool Spec::boolean(std::string_view key) const {
  const std::string& v = require(key);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  fail(key, "'" + v + "' is not a boolean (true/false)");
}

std::string Spec::choice(std::string_view key, std::initializer_list<std::string_view> allowed) const {
  return choice(key, std::vector<std::string_view>(allowed));
}

std::string Spec::choice(std::string_view key, const std::vector<std::string_view>& allowed) const {
  const std::string& v = require(key);
  std::string list;
  for (auto a : allowed) {
    if (v == a) return v;
    list += (list.empty() ? "" : "|") + std::string(a);
  }
  fail(key, "'" + v + "' is not one of " + list);
}

std::vector<long> Spec::integer_list(std::string_view key, char separator, long lo, long hi) const {
  std::vector<long> out;
  for (const std::string& part : split(require(key), separator)) {
    long x;
    if (!parse_long(part, x)) fail(key, "'" + require(key) + "' is not a '" + separator + "'-separated integer list");
    if (x < lo || x > hi)
      fail(key, "entry " + part + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    out.push_back(x);
  }
  return out;
}

std::vector<std::string> Spec::choice_list(std::string_view key, char separator,
                                           std::initializer_list<std::string_view> allowed) const {
  std::string known;
  for (auto a : allowed) known += (known.empty() ? "" : "|") + std::string(a);
  std::vector<std::string> out;
  for (const std::string& part : split(require(key), separator)) {
    if (part.empty())
      fail(key, "'" + require(key) + "' has an empty entry (expected a '" + separator + "'-separated list of " +
                    known + ")");
    if (std::find(allowed.begin(), allowed.end(), part) == allowed.end())
      fail(key, "entry '" + part + "' is not one of " + known);
    out.push_back(part);
  }
  return out;
}

std::vector<double> Spec::real_list(std::string_view key, char separator) const {
  std::vector<double> out;
  for (const std::string& part : split(require(key), separator)) {
    double x;
    if (!parse_double(part, x)) fail(key, "'" + require(key) + "' is not a '" + separator + "'-separated number list");
    out.push_back(x);
  }
  return out;
}

void Spec::set(std::string_view key, std::string value) {
  if (!given(key)) given_.emplace_back(key);
  for (auto& [k, v] : entries_)
    if (k == key) {
      v = std::move(value);
      return;
    }
  entries_.emplace_back(std::string(key), std::move(value));
}

std::string Spec::canonical() const {
  std::string out = name_;
  for (std::size_t i = 0; i < entries_.size(); ++i)
    out += (i == 0 ? ":" : ",") + entries_[i].first + "=" + entries_[i].second;
  return out;
}

}  // namespace optdyn
