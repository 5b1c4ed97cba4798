#pragma once
// Spec strings: `name:key=value,key=value` (doc/design.md, "Spec strings").
//
// A Spec is parsed once, checked against the parameter table of the thing it names
// (unknown keys are errors; absent keys take their documented defaults), and then read
// through typed getters that reject malformed or out-of-range values. Every error is an
// InputError whose one-line message names the offending key.
//
// Lists inside a value use a separator other than ',' : widths use '-' (784-32-10),
// real lists use '/' (eigs=1/0.1/-0.5).
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace optdyn {

// One documented parameter: its key, default (empty = no default, the key is optional and
// `has(key)` tells whether it was given) and a one-line description for `optdyn list`.
struct ParamInfo {
  std::string key;
  std::string default_value;
  std::string help;
  std::string range = {};  // e.g. "[0, 1)", "seed|torch"; empty when any value of the type goes
};

class Spec {
 public:
  // `kind` ("objective", "optimizer", "data", ...) is used in error messages only.
  static Spec parse(std::string_view text, std::string_view kind);

  const std::string& kind() const { return kind_; }
  const std::string& name() const { return name_; }

  // Rejects keys not in `params`, then adds the defaults of the keys not given.
  void apply_schema(const std::vector<ParamInfo>& params);

  bool has(std::string_view key) const;
  // Whether the key was written in the spec text (false for a default apply_schema added).
  bool given(std::string_view key) const;
  // InputError "<kind> '<name>': key '<key>': <what>", the one-line form of every key error.
  [[noreturn]] void reject(std::string_view key, std::string_view what) const { fail(key, what); }
  std::string text(std::string_view key) const;
  double real(std::string_view key) const;
  // Value in the closed interval [lo, hi].
  double real(std::string_view key, double lo, double hi) const;
  // Value in the half-open interval [lo, hi) (e.g. an EMA coefficient β ∈ [0, 1)).
  double real_below(std::string_view key, double lo, double hi) const;
  // Value in the half-open interval (lo, hi] (e.g. an ε that must not be 0).
  double real_above(std::string_view key, double lo, double hi) const;
  // Value in (0, +inf).
  double positive(std::string_view key) const;
  long integer(std::string_view key, long lo, long hi) const;
  std::uint64_t seed(std::string_view key) const;
  bool boolean(std::string_view key) const;  // true/false/1/0/yes/no
  // One of the listed words.
  std::string choice(std::string_view key, std::initializer_list<std::string_view> allowed) const;
  std::string choice(std::string_view key, const std::vector<std::string_view>& allowed) const;
  std::vector<long> integer_list(std::string_view key, char separator, long lo, long hi) const;
  std::vector<double> real_list(std::string_view key, char separator) const;
  // A `separator`-separated list of words, each one of `allowed` (no empty entries, so
  // "a/" and "a//b" are errors; repeats are kept).
  std::vector<std::string> choice_list(std::string_view key, char separator,
                                       std::initializer_list<std::string_view> allowed) const;

  // Sets or replaces a value (used by front ends to inject e.g. a seed).
  void set(std::string_view key, std::string value);
  // `name:key=value,...` with every resolved key, in schema order.
  std::string canonical() const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  [[noreturn]] void fail(std::string_view key, std::string_view what) const;
  const std::string* find(std::string_view key) const;
  const std::string& require(std::string_view key) const;

  std::string kind_;
  std::string name_;
  std::vector<std::pair<std::string, std::string>> entries_;
  std::vector<std::string> given_;  // keys written in the text, in the order written
};

}  // namespace optdyn
