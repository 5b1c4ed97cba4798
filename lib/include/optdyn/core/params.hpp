#pragma once
// Typed parameters (doc/design.md, "Typed parameters").
//
// Every optimizer, modifier, flow, integrator and objective has a parameter struct: an
// aggregate whose default member initialisers ARE the defaults, so C++ callers build things
// without strings,
//
//   OptimizerPtr opt = make_adam({.lr = 1e-3, .beta2 = 0.99});
//
// and one ParamTable<P> that declares, once, each key's name, type, range and help line:
//
//   const ParamTable<AdamParams>& AdamParams::table() {
//     static const auto t = ParamTable<AdamParams>("optimizer", "adam", "Adam: ...")
//         .real("lr", &AdamParams::lr, Range::positive(), "learning rate η")
//         .real("beta1", &AdamParams::beta1, Range::below(0, 1), "EMA coefficient β₁ of g");
//     return t;
//   }
//
// The table is the spec-string front end and the only place keys are checked:
//  * from_spec(spec) reads a resolved Spec into P (every value range-checked, with the Spec's
//    one-line errors naming the key), then runs the cross-key rules;
//  * to_spec(p) writes `name:key=value,...` with every key in table order (except a key
//    recorded_when() leaves out for p); numbers in their shortest round-trip form, so
//    from_spec(to_spec(p)) == p exactly;
//  * check(p) applies the same checks to a struct built in C++ (LBFGS++'s check_param());
//  * info() is what `optdyn list`, Spec::apply_schema and manifests see (defaults are
//    to_spec of P{}, so they cannot disagree with the struct).
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "optdyn/core/registry.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn {

// The interval a real-valued key must lie in; reads through the matching Spec getter, so the
// error messages are the Spec's.
class Range {
 public:
  static Range any() { return {Kind::any, 0, 0}; }
  static Range positive() { return {Kind::positive, 0, 0}; }           // (0, ∞)
  static Range closed(double lo, double hi) { return {Kind::closed, lo, hi}; }  // [lo, hi]
  static Range below(double lo, double hi) { return {Kind::below, lo, hi}; }    // [lo, hi)
  static Range above(double lo, double hi) { return {Kind::above, lo, hi}; }    // (lo, hi]

  double read(const Spec& spec, std::string_view key) const;
  std::string text() const;  // "(0, inf)", "[0, 1)", ... ; empty for any()

 private:
  enum class Kind { any, positive, closed, below, above };
  Range(Kind kind, double lo, double hi) : kind_(kind), lo_(lo), hi_(hi) {}
  Kind kind_;
  double lo_, hi_;
};

// Text of one value as to_spec writes it.
std::string param_text(double x);  // shortest round-trip (format_shortest)
std::string param_text(bool x);    // true / false
std::string param_text(long x);
std::string param_text(std::uint64_t x);
std::string param_text(const std::string& x);
std::string join_params(const std::vector<long>& xs, char separator);
std::string join_params(const std::vector<double>& xs, char separator);

template <class P>
class ParamTable {
 public:
  // `kind` ("optimizer", "flow", ...) and `name` (the spec's name) for messages and to_spec;
  // `help`: the one-line description `optdyn list` prints.
  ParamTable(std::string kind, std::string name, std::string help)
      : kind_(std::move(kind)), name_(std::move(name)), help_(std::move(help)) {}

  // --- declarations, in the order the keys are listed and written ------------------------
  ParamTable& real(std::string key, double P::*member, Range range, std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), range.text(),
               [=](const Spec& s, P& p) { p.*member = range.read(s, k); },
               [=](const P& p) { return param_text(p.*member); });
  }
  // A real key without a default: unset means "not given" (std::nullopt).
  ParamTable& real(std::string key, std::optional<double> P::*member, Range range, std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), range.text(),
               [=](const Spec& s, P& p) {
                 if (s.has(k)) p.*member = range.read(s, k);
               },
               [=](const P& p) { return (p.*member) ? param_text(*(p.*member)) : std::string(); });
  }
  // A real key whose value may also be the word `word` (e.g. t0=auto), read as std::nullopt.
  ParamTable& real_or(std::string key, std::optional<double> P::*member, std::string word, Range range,
                      std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), word + " | " + range.text(),
               [=](const Spec& s, P& p) {
                 if (s.text(k) == word)
                   p.*member = std::nullopt;
                 else
                   p.*member = range.read(s, k);
               },
               [=](const P& p) { return (p.*member) ? param_text(*(p.*member)) : word; });
  }
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  ParamTable& integer(std::string key, T P::*member, long lo, long hi, std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
               [=](const Spec& s, P& p) { p.*member = static_cast<T>(s.integer(k, lo, hi)); },
               [=](const P& p) { return param_text(static_cast<long>(p.*member)); });
  }
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  ParamTable& integer(std::string key, std::optional<T> P::*member, long lo, long hi, std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
               [=](const Spec& s, P& p) {
                 if (s.has(k)) p.*member = static_cast<T>(s.integer(k, lo, hi));
               },
               [=](const P& p) { return (p.*member) ? param_text(static_cast<long>(*(p.*member))) : std::string(); });
  }
  // A seed: any integer in [0, LONG_MAX].
  ParamTable& seed(std::string key, std::uint64_t P::*member, std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), "",
               [=](const Spec& s, P& p) { p.*member = s.seed(k); },
               [=](const P& p) { return param_text(p.*member); });
  }
  ParamTable& flag(std::string key, bool P::*member, std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), "true|false",
               [=](const Spec& s, P& p) { p.*member = s.boolean(k); },
               [=](const P& p) { return param_text(p.*member); });
  }
  // One of named values of any type E (typically an enum class): {{"seed", E::seed}, ...}.
  template <class E>
  ParamTable& choice(std::string key, E P::*member, std::vector<std::pair<std::string, E>> names, std::string help) {
    const std::string k = key;
    std::string words;
    for (const auto& n : names) words += (words.empty() ? "" : "|") + n.first;
    return add(std::move(key), std::move(help), words,
               [=](const Spec& s, P& p) {
                 const std::string w = read_choice(s, k, names);
                 for (const auto& n : names)
                   if (n.first == w) p.*member = n.second;
               },
               [=](const P& p) {
                 for (const auto& n : names)
                   if (n.second == p.*member) return n.first;
                 return std::string("?");
               });
  }
  // Free text (a path, a nested spec): any non-empty string without ',' (the spec separator).
  ParamTable& text(std::string key, std::string P::*member, std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), "",
               [=](const Spec& s, P& p) { p.*member = s.text(k); },
               [=](const P& p) { return p.*member; });
  }
  ParamTable& text(std::string key, std::optional<std::string> P::*member, std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), "",
               [=](const Spec& s, P& p) {
                 if (s.has(k)) p.*member = s.text(k);
               },
               [=](const P& p) { return (p.*member) ? *(p.*member) : std::string(); });
  }
  ParamTable& integers(std::string key, std::vector<long> P::*member, char separator, long lo, long hi,
                       std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), "",
               [=](const Spec& s, P& p) { p.*member = s.integer_list(k, separator, lo, hi); },
               [=](const P& p) { return join_params(p.*member, separator); });
  }
  // A list of reals; an empty default means the key is optional (no value: empty list).
  ParamTable& reals(std::string key, std::vector<double> P::*member, char separator, std::string help) {
    const std::string k = key;
    return add(std::move(key), std::move(help), "",
               [=](const Spec& s, P& p) {
                 if (s.has(k)) p.*member = s.real_list(k, separator);
               },
               [=](const P& p) { return join_params(p.*member, separator); });
  }
  // A cross-key rule, run after every key was read: throw through Spec::reject(key, why).
  // `spec.given(key)` tells whether the user wrote the key (for C++ callers: whether it
  // differs from its default).
  ParamTable& rule(std::function<void(const P&, const Spec&)> r) {
    rules_.push_back(std::move(r));
    return *this;
  }
  // Every key of another table, read into and written from the member `section` (e.g. the
  // data keys that every data-driven objective carries flat in its spec), with its rules.
  template <class Q>
  ParamTable& embed(Q P::*section, const ParamTable<Q>& keys) {
    for (const auto& f : keys.fields_) {
      add(f.key, f.help, f.range, [read = f.read, section](const Spec& s, P& p) { read(s, p.*section); },
          [write = f.write, section](const P& p) { return write(p.*section); });
      if (f.recorded) fields_.back().recorded = [applies = f.recorded, section](const P& p) { return applies(p.*section); };
    }
    for (const auto& r : keys.rules_) rules_.push_back([r, section](const P& p, const Spec& s) { r(p.*section, s); });
    return *this;
  }
  // Keys declared by a shared helper (e.g. the Adam family's lr, β₁, β₂, ε).
  template <class F>
  ParamTable& with(F&& declare) {
    declare(*this);
    return *this;
  }
  // The declared `key` is written (to_spec, recorded_text) only when `applies(p)`: a key that
  // p's configuration does not read, whose value is then its default (a rule rejects any
  // other), and whose default names the machine (the data's path, read by data=fashion-mnist
  // only). It is still read and checked.
  ParamTable& recorded_when(std::string_view key, std::function<bool(const P&)> applies) {
    for (auto& f : fields_)
      if (f.key == key) f.recorded = std::move(applies);
    return *this;
  }

  // --- use --------------------------------------------------------------------------------
  const std::string& kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }

  // key, default text (to_spec of P{}), help and range, in table order.
  std::vector<ParamInfo> info() const {
    const P defaults{};
    std::vector<ParamInfo> out;
    for (const auto& f : fields_) out.push_back({f.key, f.write(defaults), f.help, f.range});
    return out;
  }

  // A resolved spec (Registry::resolve or resolve() below) → P, every key checked.
  P from_spec(const Spec& resolved) const {
    P p{};
    for (const auto& f : fields_) f.read(resolved, p);
    for (const auto& r : rules_) r(p, resolved);
    return p;
  }
  // Spec text → P: parse, reject unknown keys, fill defaults, read.
  P from_spec(std::string_view text) const { return from_spec(resolve(text)); }
  Spec resolve(std::string_view text) const {
    Spec spec = Spec::parse(text, kind_);
    if (spec.name() != name_)
      throw InputError(kind_ + " spec '" + std::string(text) + "': expected name '" + name_ + "'");
    spec.apply_schema(info());
    return spec;
  }

  // `name:key=value,...`, every key (optional keys only when set; recorded_when keys only
  // when they apply), in table order.
  std::string to_spec(const P& p) const {
    std::string out = name_;
    bool first = true;
    for (const auto& f : fields_) {
      const std::string v = f.write(p);
      if (v.empty() || !f.records(p)) continue;
      out += (first ? ":" : ",") + f.key + "=" + v;
      first = false;
    }
    return out;
  }
  // The checks of from_spec on a struct built in C++; InputError naming the first bad key.
  // Keys equal to their default count as not given (for rules that use Spec::given).
  void check(const P& p) const {
    const P defaults{};
    std::string text = name_;
    bool first = true;
    for (const auto& f : fields_) {
      const std::string v = f.write(p);
      if (v.empty() || v == f.write(defaults)) continue;
      text += (first ? ":" : ",") + f.key + "=" + v;
      first = false;
    }
    (void)from_spec(text);
  }

  // A registry entry whose factory reads the spec into P and calls make(p, spec text).
  template <class Product, class... Args, class Make>
  RegistryEntry<Product, Args...> entry(Make make) const {
    return {name_, help_, info(), [this, make](const Spec& s, Args... args) -> Product {
              return make(from_spec(s), s.canonical(), std::forward<Args>(args)...);
            }};
  }
  // The resolved spec's text as recorded: s.canonical() without the recorded_when keys that
  // do not apply to p (s's own spelling of every other value is kept; keys of s this table
  // does not declare are kept too). What an owner of such keys records (make_mlp_objective).
  std::string recorded_text(const Spec& s, const P& p) const {
    std::string out = s.name();
    bool first = true;
    for (const auto& entry : s.entries()) {
      const auto& [key, value] = entry;
      // (a lambda may not capture a structured binding in C++20: clang refuses it)
      const auto field = std::find_if(fields_.begin(), fields_.end(), [&entry](const Field& f) { return f.key == entry.first; });
      if (field != fields_.end() && !field->records(p)) continue;
      out += (first ? ":" : ",") + key + "=" + value;
      first = false;
    }
    return out;
  }

 private:
  struct Field {
    std::string key, help, range;
    std::function<void(const Spec&, P&)> read;
    std::function<std::string(const P&)> write;
    std::function<bool(const P&)> recorded;  // empty: always written (recorded_when)
    bool records(const P& p) const { return !recorded || recorded(p); }
  };

  template <class Read, class Write>
  ParamTable& add(std::string key, std::string help, std::string range, Read read, Write write) {
    fields_.push_back({std::move(key), std::move(help), std::move(range), std::move(read), std::move(write), {}});
    return *this;
  }
  template <class E>
  static std::string read_choice(const Spec& s, const std::string& key,
                                 const std::vector<std::pair<std::string, E>>& names) {
    std::vector<std::string_view> words;
    for (const auto& n : names) words.push_back(n.first);
    return s.choice(key, words);
  }

  template <class Q>
  friend class ParamTable;

  std::string kind_, name_, help_;
  std::vector<Field> fields_;
  std::vector<std::function<void(const P&, const Spec&)>> rules_;
};

}  // namespace optdyn
