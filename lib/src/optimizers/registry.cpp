#include "optdyn/optimizers/registry.hpp"

#include <string>
#include <vector>

#include "optdyn/core/error.hpp"

namespace optdyn {

// The entry functions named in optimizer_list.def, declared (each defined in its own file).
#define OPTDYN_ENTRY(f) OptimizerEntry f();
#define OPTDYN_ENTRIES(f) std::vector<OptimizerEntry> f();
#include "optimizer_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES

// The entry functions named in modifier_list.def, declared (each defined in its own file).
#define OPTDYN_ENTRY(f) ModifierEntry f();
#define OPTDYN_ENTRIES(f) std::vector<ModifierEntry> f();
#include "modifier_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES

const OptimizerRegistry& optimizer_registry() {
  static const OptimizerRegistry registry = [] {
    OptimizerRegistry r("optimizer");
#define OPTDYN_ENTRY(f) r.add(f());
#define OPTDYN_ENTRIES(f) r.add(f());
#include "optimizer_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES
    return r;
  }();
  return registry;
}

const ModifierRegistry& modifier_registry() {
  static const ModifierRegistry registry = [] {
    ModifierRegistry r("modifier");
#define OPTDYN_ENTRY(f) r.add(f());
#define OPTDYN_ENTRIES(f) r.add(f());
#include "modifier_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES
    return r;
  }();
  return registry;
}

std::string OptimizerChain::canonical() const {
  std::string out = core.canonical();
  for (const Spec& m : modifiers) out += "|" + m.canonical();
  return out;
}

OptimizerChain parse_optimizer_chain(std::string_view spec) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = spec.find('|', start);
    parts.push_back(spec.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  OptimizerChain chain{optimizer_registry().resolve(parts[0]), {}};
  for (std::size_t i = 1; i < parts.size(); ++i) chain.modifiers.push_back(modifier_registry().resolve(parts[i]));
  return chain;
}

OptimizerPtr make_optimizer(const OptimizerChain& chain) {
  OptimizerPtr optimizer = optimizer_registry().make(chain.core);
  for (const Spec& m : chain.modifiers) optimizer->add_modifier(modifier_registry().make(m));
  return optimizer;
}

OptimizerPtr make_optimizer(std::string_view spec) { return make_optimizer(parse_optimizer_chain(spec)); }

std::string describe_optimizers() {
  return optimizer_registry().describe() +
         "\nModifiers (append to any optimizer with '|', e.g. adam:lr=1e-3|clip_norm:max=1|cosine:t_max=1000):\n" +
         modifier_registry().describe();
}

}  // namespace optdyn
