#pragma once
// A registry maps names to factories with documented parameters (doc/design.md: "listed in a
// registry with its parameters and defaults"). Objectives, optimizers, flows and
// integrators each have one. Entries are added explicitly (no static-initialisation
// tricks, which static libraries silently drop).
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/spec.hpp"

namespace optdyn {

template <class Product, class... Args>
struct RegistryEntry {
  std::string name;
  std::string help;  // one line
  std::vector<ParamInfo> params;
  std::function<Product(const Spec&, Args...)> make;
};

template <class Product, class... Args>
class Registry {
 public:
  using Entry = RegistryEntry<Product, Args...>;

  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  void add(Entry entry) { entries_.push_back(std::move(entry)); }
  void add(std::vector<Entry> entries) {
    for (Entry& e : entries) add(std::move(e));
  }

  const Entry& find(std::string_view name) const {
    for (const auto& e : entries_)
      if (e.name == name) return e;
    std::string known;
    for (const auto& e : entries_) known += (known.empty() ? "" : ", ") + e.name;
    throw InputError(kind_ + ": unknown name '" + std::string(name) + "' (known: " + known + ")");
  }

  // Parses the spec, checks its keys against the entry's table, fills defaults.
  Spec resolve(std::string_view text) const {
    Spec spec = Spec::parse(text, kind_);
    spec.apply_schema(find(spec.name()).params);
    return spec;
  }

  Product make(const Spec& resolved, Args... args) const {
    return find(resolved.name()).make(resolved, std::forward<Args>(args)...);
  }

  Product make(std::string_view text, Args... args) const {
    return make(resolve(text), std::forward<Args>(args)...);
  }

  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& kind() const { return kind_; }

  // Human-readable listing for `optdyn list <kind>s`.
  std::string describe() const {
    std::ostringstream out;
    for (const auto& e : entries_) {
      out << e.name << "  —  " << e.help << "\n";
      for (const auto& p : e.params)
        out << "    " << p.key << "=" << (p.default_value.empty() ? "(unset)" : p.default_value)
            << "  " << p.help << (p.range.empty() ? "" : "  " + p.range) << "\n";
    }
    return out.str();
  }

 private:
  std::string kind_;
  std::vector<Entry> entries_;
};

}  // namespace optdyn
