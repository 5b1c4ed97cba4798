#include "tool/checkpoints.hpp"

#include <csignal>
#include <system_error>
#include <utility>

#include "harness/build_info.hpp"
#include "harness/data_parallel.hpp"
#include "harness/output_file.hpp"
#include "harness/sha256.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::tool {
namespace fs = std::filesystem;

namespace {

// The largest checkpoint read (a dense BFGS matrix of D = 20000 is ~8 GB of hexfloat text).
constexpr std::uintmax_t kMaxCheckpointBytes = std::uintmax_t{16} << 30;

std::string read_checkpoint(const fs::path& path) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) throw InputError("cannot read '" + path.string() + "' (" + ec.message() + ")");
  if (size > kMaxCheckpointBytes)
    throw InputError("'" + path.string() + "' has " + std::to_string(size) + " bytes, more than " +
                     std::to_string(kMaxCheckpointBytes));
  return harness::RunJournal::read_prefix(path, size);  // a regular file, never through a link
}

bool present(const fs::path& path) {  // also a dangling link (refused when read)
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

}  // namespace

CheckpointOptions checkpoint_options(const po::variables_map& vm, const std::string& out) {
  CheckpointOptions o;
  o.every = vm["checkpoint-every"].as<long>();
  o.resume = vm.count("resume") > 0;
  if (o.every < 0)
    throw InputError("--checkpoint-every: must be >= 0 (0 = only when interrupted), got " + std::to_string(o.every));
  // Under mpirun only rank 0 writes, and a journal is written as the run goes: no checkpoints.
  if (harness::data_parallel_ranks() > 1) {
    if (o.resume || o.every > 0)
      throw InputError(std::string(o.resume ? "--resume" : "--checkpoint-every") +
                       ": not available under mpirun (run without mpirun to checkpoint or resume)");
    return o;
  }
  o.enabled = !harness::written_in_place(out);
  if (!o.enabled && (o.resume || o.every > 0))
    throw InputError(std::string(o.resume ? "--resume" : "--checkpoint-every") +
                     ": needs --out FILE, not standard output, a device or a named pipe");
  return o;
}

void CheckpointProgress::archive(StateArchive& a, std::int64_t max_rows) {
  a.field("status", status);
  a.field("rows", rows, 0, max_rows);
  a.field("csv_bytes", csv_bytes);
  a.field("csv_sha256", csv_sha256);
}

void archive_header(StateArchive& a, const std::string& format, std::int64_t version) {
  a.constant("format", format);
  a.constant("version", version);
  a.constant("build", harness::build_info().identity());
}

std::string signal_name(int signal) {
  return signal == SIGINT ? "SIGINT" : signal == SIGHUP ? "SIGHUP" : "SIGTERM";
}

Checkpoints::Checkpoints(const std::string& out, CheckpointProgress& progress, Document document)
    : checkpoint_(out + ".checkpoint.json"),
      journal_path_(out + ".checkpoint.csv"),
      progress_(progress),
      document_(std::move(document)) {}

Checkpoints::~Checkpoints() {
  if (!journal_) return;
  std::error_code ec;  // a destructor reports nothing: at worst the journal stays
  if (fs::symlink_status(checkpoint_, ec).type() != fs::file_type::not_found) return;  // (ec is ENOENT then)
  journal_.reset();  // closes it
  fs::remove(journal_path_, ec);
}

void Checkpoints::begin(bool resume, TrajectoryRecorder& recorder) {
  if (!resume && present(checkpoint_))
    throw InputError("--out: '" + checkpoint_.string() +
                     "' holds an interrupted run: continue it with --resume, or remove that file");
  if (resume) {
    if (!present(checkpoint_)) throw InputError("--resume: no checkpoint '" + checkpoint_.string() + "' to resume");
    std::string rows_so_far = restore();  // sets progress_
    recorder.resume_from(std::move(rows_so_far), static_cast<std::size_t>(progress_.rows));
  }
  journal_.emplace(journal_path_, resume ? progress_.csv_bytes : 0);
  recorder.journal_to([this](std::string_view line) { journal_->append(line); });
}

std::string Checkpoints::restore() {
  // File errors name their file; a checkpoint that does not fit this command names its field.
  const auto resume_error = [](const InputError& e) { return InputError(std::string("--resume: ") + e.what()); };
  std::string text;
  try {
    text = read_checkpoint(checkpoint_);
  } catch (const InputError& e) {
    throw resume_error(e);
  }
  try {
    StateArchive a = StateArchive::from_json(text);
    document_(a);
  } catch (const InputError& e) {
    throw InputError("--resume: '" + checkpoint_.string() + "': " + e.what());
  }
  std::string rows_so_far;
  try {
    rows_so_far = harness::RunJournal::read_prefix(journal_path_, progress_.csv_bytes);
  } catch (const InputError& e) {
    throw resume_error(e);
  }
  if (harness::sha256_hex(rows_so_far) != progress_.csv_sha256)
    throw InputError("--resume: the rows in '" + journal_path_.string() + "' do not match the checkpoint's sha256");
  return rows_so_far;
}

void Checkpoints::save(std::string status, const TrajectoryRecorder& recorder) {
  progress_.status = std::move(status);
  progress_.rows = static_cast<std::int64_t>(recorder.rows());
  progress_.csv_bytes = journal_->sync();
  progress_.csv_sha256 = journal_->sha256();
  StateArchive a = StateArchive::for_saving();
  document_(a);
  harness::write_file_atomically(checkpoint_, a.to_json());
}

void Checkpoints::remove() {
  if (journal_) journal_->remove();
  std::error_code ec;
  fs::remove(checkpoint_, ec);
  fs::remove(journal_path_, ec);
}

}  // namespace optdyn::tool
