#pragma once
// A run's checkpoint: everything an optimizer run needs to continue exactly where it stopped
// — the optimizer (with its modifiers), its oracle (counts, minibatch sampler, RNG) and θ —
// as one JSON document (core/state_archive.hpp).
//
//   // process 1, after k steps:
//   write_file(path, save_checkpoint(*opt, oracle, theta));
//   // process 2: the same specs, built afresh
//   auto opt = make_optimizer(spec);  opt->reset(f->dim());
//   ObjectiveOracle oracle(*f, batch, mode, seed);
//   Vec theta;  load_checkpoint(read_file(path), *opt, oracle, theta);
//   // … steps k+1..N give results bit-identical to the uninterrupted run.
//
// The objective itself is not stored: it is rebuilt from its spec (which the checkpoint
// records and checks). A checkpoint of another optimizer spec, objective, sampler or
// dimension, and any malformed or truncated document, is an InputError naming the field.
#include <string>
#include <string_view>

#include "optdyn/core/state_archive.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/optimizers/optimizer.hpp"
#include "optdyn/optimizers/oracle.hpp"

namespace optdyn {

// The checkpoint's fields in order: format tag and version, "optimizer", "oracle", "theta".
// The optimizer must have been reset(dim) (the oracle's dimension); θ is resized on load.
void archive_run(StateArchive& a, Optimizer& optimizer, Oracle& oracle, Vec& theta);

std::string save_checkpoint(Optimizer& optimizer, Oracle& oracle, const Vec& theta);
// On an InputError the optimizer and oracle may be half restored: discard them (or reset).
void load_checkpoint(std::string_view json, Optimizer& optimizer, Oracle& oracle, Vec& theta);

}  // namespace optdyn
