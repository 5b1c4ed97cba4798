#include "optdyn/optimizers/checkpoint.hpp"

#include <stdexcept>

namespace optdyn {

namespace {
// Bumped whenever a class's archive function changes what it writes, so that an old
// checkpoint is refused with a clear message instead of a field-by-field mismatch.
constexpr std::int64_t kCheckpointVersion = 1;
}  // namespace

void archive_run(StateArchive& a, Optimizer& optimizer, Oracle& oracle, Vec& theta) {
  if (optimizer.dim() != oracle.dim())
    throw std::logic_error("archive_run: optimizer reset for another dimension than the oracle's");
  a.constant("format", "optdyn-checkpoint");
  a.constant("version", kCheckpointVersion);
  a.scope("optimizer", [&] { optimizer.archive(a); });
  a.scope("oracle", [&] { oracle.archive(a); });
  a.field("theta", theta, oracle.dim());
  a.finish();
}

std::string save_checkpoint(Optimizer& optimizer, Oracle& oracle, const Vec& theta) {
  StateArchive a = StateArchive::for_saving();
  Vec copy = theta;  // archive_run takes θ by reference for loading; saving only reads it
  archive_run(a, optimizer, oracle, copy);
  return a.to_json();
}

void load_checkpoint(std::string_view json, Optimizer& optimizer, Oracle& oracle, Vec& theta) {
  StateArchive a = StateArchive::from_json(json);
  archive_run(a, optimizer, oracle, theta);
}

}  // namespace optdyn
