#pragma once
// Every optimizer by name, plus the modifiers that compose with them:
//
//   make_optimizer("adam:lr=1e-3,beta2=0.99|clip_norm:max=1|robbins_monro:alpha=0.75")
//
// The part before the first '|' names the core optimizer (optimizer_registry()); each
// further part names a modifier (modifier_registry(), modifier.hpp). Unknown names, keys or
// bad values are InputErrors naming the key. The returned optimizer still needs reset(dim).
// C++ callers build the same without strings (core/params.hpp): make_adam({.lr = 1e-3}),
// then add_modifier(make_clip_norm({.max = 1})); one header per optimizer and modifier kind.
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/registry.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

using OptimizerRegistry = Registry<OptimizerPtr>;
using OptimizerEntry = OptimizerRegistry::Entry;

const OptimizerRegistry& optimizer_registry();

// An optimizer spec `core|modifier|...` split once and every part resolved by its registry:
// names and keys checked (InputErrors naming them), defaults filled, parts in the order
// written. Values are checked when the parts are built (make_optimizer), or by whoever reads
// them (the continuous limits read the core's keys).
struct OptimizerChain {
  Spec core;                    // the core optimizer, resolved against optimizer_registry()
  std::vector<Spec> modifiers;  // each modifier, resolved against modifier_registry()
  // `core:key=value,...|modifier:key=value,...`, every key of every part.
  std::string canonical() const;
};
OptimizerChain parse_optimizer_chain(std::string_view spec);

OptimizerPtr make_optimizer(const OptimizerChain& chain);
OptimizerPtr make_optimizer(std::string_view spec);

// `optdyn list optimizers`: the optimizers, then the modifiers.
std::string describe_optimizers();

}  // namespace optdyn
