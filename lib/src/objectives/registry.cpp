#include "optdyn/objectives/registry.hpp"

#include <vector>

namespace optdyn {

// The entry functions named in objective_list.def, declared (each defined in its own file).
#define OPTDYN_ENTRY(f) ObjectiveEntry f();
#define OPTDYN_ENTRIES(f) std::vector<ObjectiveEntry> f();
#include "objective_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES

const ObjectiveRegistry& objective_registry() {
  static const ObjectiveRegistry registry = [] {
    ObjectiveRegistry r("objective");
#define OPTDYN_ENTRY(f) r.add(f());
#define OPTDYN_ENTRIES(f) r.add(f());
#include "objective_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES
    return r;
  }();
  return registry;
}

}  // namespace optdyn
