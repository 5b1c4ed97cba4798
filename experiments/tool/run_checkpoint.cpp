#include "tool/run_checkpoint.hpp"

#include <system_error>
#include <utility>

#include "harness/build_info.hpp"
#include "harness/output_file.hpp"
#include "harness/sha256.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/state_archive.hpp"
#include "optdyn/optimizers/checkpoint.hpp"

namespace optdyn::tool {
namespace fs = std::filesystem;

namespace {

// Bumped whenever the document below changes shape.
constexpr std::int64_t kRunCheckpointVersion = 1;
// The largest checkpoint read (a dense BFGS matrix of D = 20000 is ~8 GB of hexfloat text).
constexpr std::uintmax_t kMaxCheckpointBytes = std::uintmax_t{16} << 30;

// The one function that writes and reads a run checkpoint: every field in order (saving
// reads the arguments, loading checks the constants and overwrites the rest).
void archive_checkpoint(StateArchive& a, const RunIdentity& id, RunProgress& progress, Optimizer& optimizer,
                        Oracle& oracle, Vec& theta, TrajectoryRecorder& recorder) {
  a.constant("format", "optdyn-run-checkpoint");
  a.constant("version", kRunCheckpointVersion);
  a.constant("build", harness::build_info().identity());
  a.scope("command", [&] {
    a.constant("objective", id.objective);
    a.constant("optimizer", id.optimizer);
    a.constant("x0", id.x0);
    a.constant("steps", id.steps);
    a.constant("batch", id.batch);
    a.constant("sampling", id.sampling);
    a.constant("seed", std::to_string(id.seed));
    a.constant("record_every", id.record_every);
    a.constant("record_params", std::int64_t{id.record_params ? 1 : 0});
    a.constant("diverge_above", id.diverge_above);
    a.constant("monitor", id.monitor);
  });
  a.field("status", progress.status);
  a.field("step", progress.step, 0, id.steps);
  a.field("rows", progress.rows, 0, progress.step + 1);
  a.field("csv_bytes", progress.csv_bytes);
  a.field("csv_sha256", progress.csv_sha256);
  a.scope("run", [&] { archive_run(a, optimizer, oracle, theta); });
  a.scope("recorder", [&] { recorder.archive(a); });
  a.finish();
}

std::string read_checkpoint(const fs::path& path) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) throw InputError("cannot read '" + path.string() + "' (" + ec.message() + ")");
  if (size > kMaxCheckpointBytes)
    throw InputError("'" + path.string() + "' has " + std::to_string(size) + " bytes, more than " +
                     std::to_string(kMaxCheckpointBytes));
  return harness::RunJournal::read_prefix(path, size);  // a regular file, never through a link
}

}  // namespace

RunCheckpoints::RunCheckpoints(const fs::path& out, RunIdentity identity)
    : checkpoint_(out.string() + ".checkpoint.json"),
      journal_(out.string() + ".checkpoint.csv"),
      identity_(std::move(identity)) {}

bool RunCheckpoints::exists() const {
  std::error_code ec;
  return fs::exists(fs::symlink_status(checkpoint_, ec));
}

RunProgress RunCheckpoints::restore(Optimizer& optimizer, Oracle& oracle, Vec& theta, TrajectoryRecorder& recorder,
                                    std::string& csv_prefix) const {
  // File errors name their file; a checkpoint that does not fit this command names its field.
  const auto resume_error = [](const InputError& e) { return InputError(std::string("--resume: ") + e.what()); };
  RunProgress progress;
  std::string text;
  try {
    text = read_checkpoint(checkpoint_);
  } catch (const InputError& e) {
    throw resume_error(e);
  }
  try {
    StateArchive a = StateArchive::from_json(text);
    archive_checkpoint(a, identity_, progress, optimizer, oracle, theta, recorder);
  } catch (const InputError& e) {
    throw InputError("--resume: '" + checkpoint_.string() + "': " + e.what());
  }
  try {
    csv_prefix = harness::RunJournal::read_prefix(journal_, progress.csv_bytes);
  } catch (const InputError& e) {
    throw resume_error(e);
  }
  if (harness::sha256_hex(csv_prefix) != progress.csv_sha256)
    throw InputError("--resume: the rows in '" + journal_.string() + "' do not match the checkpoint's sha256");
  return progress;
}

void RunCheckpoints::save(RunProgress progress, harness::RunJournal& journal, Optimizer& optimizer, Oracle& oracle,
                          const Vec& theta, TrajectoryRecorder& recorder) const {
  progress.csv_bytes = journal.sync();
  progress.csv_sha256 = journal.sha256();
  StateArchive a = StateArchive::for_saving();
  Vec copy = theta;  // archive_checkpoint takes θ by reference for loading; saving only reads it
  archive_checkpoint(a, identity_, progress, optimizer, oracle, copy, recorder);
  harness::write_file_atomically(checkpoint_, a.to_json());
}

void RunCheckpoints::remove() const {
  std::error_code ec;
  fs::remove(checkpoint_, ec);
  fs::remove(journal_, ec);
}

}  // namespace optdyn::tool
