#include "harness/sweep_directory.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "harness/output_file.hpp"
#include "harness/progress.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::harness {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDefinitionName = "sweep.json";
constexpr const char* kRecordName = "job.json";
constexpr std::uintmax_t kMaxRecordBytes = std::uintmax_t{1} << 30;

std::string read_small_file(const fs::path& path) {
  std::error_code ec;
  if (fs::symlink_status(path, ec).type() != fs::file_type::regular) return {};
  if (fs::file_size(path, ec) > kMaxRecordBytes || ec) return {};
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string definition_text(const nlohmann::ordered_json& definition) { return definition.dump(2) + "\n"; }

// The first top-level key whose value differs (or "the file" when it is not a sweep.json).
std::string first_difference(const std::string& existing, const nlohmann::ordered_json& wanted) {
  const nlohmann::ordered_json old = nlohmann::ordered_json::parse(existing, nullptr, false);
  if (old.is_discarded() || !old.is_object()) return "its content (not a sweep definition)";
  for (const auto& [key, value] : wanted.items())
    if (!old.contains(key) || old[key] != value) return "'" + key + "'";
  for (const auto& [key, value] : old.items())
    if (!wanted.contains(key)) return "'" + key + "'";
  return "its formatting";
}

// Creates DIR/sweep.json with `text` unless it exists (link(2) of a complete temporary is
// atomic and fails with EEXIST: two shards starting at once never both write it). Returns
// whether this call created it.
bool create_definition(const fs::path& path, const std::string& text) {
  OutputFile staged(path, false);
  staged.write(text);
  staged.finish();
  const bool created = ::link(staged.staged_path().c_str(), path.c_str()) == 0;
  const int error = errno;
  staged.discard();
  if (!created && error != EEXIST)
    throw InputError("cannot write '" + path.string() + "': " + std::strerror(error));
  if (created) sync_directory(path.parent_path());
  return created;
}

void check_definition(const fs::path& dir, const nlohmann::ordered_json& definition) {
  const fs::path path = dir / kDefinitionName;
  const std::string existing = read_small_file(path);
  if (existing == definition_text(definition)) return;
  if (existing.empty())
    throw InputError("--out '" + dir.string() + "': no readable " + kDefinitionName +
                     " (not a sweep directory; --resume, --shard and --merge need one)");
  throw InputError("--out '" + dir.string() + "': this is another sweep: " + kDefinitionName + " differs in " +
                   first_difference(existing, definition) + " (same command, axes, seed and build needed)");
}

std::string job_name(std::size_t job) {
  char name[32];
  std::snprintf(name, sizeof name, "%06zu", job);
  return name;
}

// DIR and DIR/jobs are real directories, never links (optdyn never writes through a link).
void check_not_a_link(const fs::path& path, const std::string& what) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) == 0 && (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)))
    throw InputError("--out '" + what + "': '" + path.string() + "' is " +
                     (S_ISLNK(st.st_mode) ? "a symbolic link (optdyn never writes through a link)" : "not a directory"));
}

// Whether `dir` holds nothing but a lock and the temporary of a sweep.json another shard is
// writing at this moment (it links it into place next).
bool empty_but_a_definition_in_the_making(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == kDirectoryLockName || (name.starts_with(std::string(kDefinitionName) + ".") && name.ends_with(".tmp")))
      continue;
    return false;
  }
  return true;
}

// DIR/jobs, created if missing; refused if it is anything but a directory.
void make_jobs_folder(const fs::path& dir) {
  check_not_a_link(dir / "jobs", dir.string());
  std::error_code ec;
  fs::create_directory(dir / "jobs", ec);
  if (ec) throw InputError("--out '" + dir.string() + "': cannot create 'jobs': " + ec.message());
  check_not_a_link(dir / "jobs", dir.string());
}

}  // namespace

std::string job_status_name(int exit_code) {
  if (exit_code == kExitOk) return "ok";
  if (exit_code == kExitDiverged) return "diverged";
  if (exit_code == 128 + SIGINT || exit_code == 128 + SIGTERM || exit_code == 128 + SIGHUP) return "interrupted";
  return "failed";
}

SweepDirectory::SweepDirectory(const SweepOptions& options, const nlohmann::ordered_json& definition)
    : dir_(options.out) {
  std::error_code ec;
  check_not_a_link(dir_, dir_.string());
  if (options.shard) {
    // A shard may be the first process in DIR or one of many at once: it creates what is
    // missing and checks what is there. DIR must be new, empty, or this sweep's.
    fs::create_directories(dir_, ec);
    if (ec) throw InputError("--out '" + dir_.string() + "': cannot create directory: " + ec.message());
    check_not_a_link(dir_, dir_.string());
    // Scan first, then look for sweep.json: a shard that links sweep.json creates 'jobs' only
    // after it, so anything else seen in the scan means sweep.json exists by the second test.
    // (The other order raced: sweep.json missing, then a shard's sweep.json and 'jobs' seen.)
    if (!empty_but_a_definition_in_the_making(dir_) && !fs::exists(dir_ / kDefinitionName, ec))
      throw InputError("--out '" + dir_.string() + "': directory is not empty and holds no sweep (a shard writes into a new, empty or the same sweep's directory)");
    if (!create_definition(dir_ / kDefinitionName, definition_text(definition))) check_definition(dir_, definition);
    make_jobs_folder(dir_);
    return;
  }
  if (options.resume || options.merge_only) {
    if (!fs::is_directory(dir_, ec))
      throw InputError("--out '" + dir_.string() + "': no such sweep directory (--resume and --merge reopen one)");
    ClaimedDirectory claim;
    claim.path = dir_;
    claim.lock = lock_directory(dir_);
    check_definition(dir_, definition);
    make_jobs_folder(dir_);
    remove_stale_temporaries(dir_);  // of a merge that was killed
    claim_ = std::move(claim);
    return;
  }
  claim_ = claim_output_directory(dir_, true);  // locked first, then checked for emptiness
  if (!claim_->started_empty) {
    const bool sweep = fs::exists(dir_ / kDefinitionName, ec);
    claim_->lock.release();
    throw InputError("--out '" + dir_.string() + "': " +
                     (sweep ? "holds a sweep already (continue it with --resume, or give a new directory)"
                            : "directory is not empty (a sweep starts in a new or empty directory)"));
  }
  try {
    create_definition(dir_ / kDefinitionName, definition_text(definition));
    make_jobs_folder(dir_);
  } catch (...) {
    remove_created();
    throw;
  }
}

void SweepDirectory::remove_created() noexcept {
  if (!claim_) return;
  std::error_code ec;
  const bool created = claim_->created;
  claim_->lock.release();
  if (created) fs::remove_all(dir_, ec);  // everything in it is this sweep's own
  claim_.reset();
}

bool SweepDirectory::created() const { return claim_ && claim_->created; }

fs::path sweep_job_dir(const fs::path& out, std::size_t job) { return out / "jobs" / job_name(job); }

fs::path SweepDirectory::job_dir(std::size_t job) const { return sweep_job_dir(dir_, job); }

std::optional<nlohmann::ordered_json> SweepDirectory::record(std::size_t job) const {
  const std::string text = read_small_file(job_dir(job) / kRecordName);
  if (text.empty()) return std::nullopt;
  nlohmann::ordered_json r = nlohmann::ordered_json::parse(text, nullptr, false);
  // A record this program did not write (edited, truncated) counts as none: the job runs again.
  const auto has = [&](const char* key, bool (nlohmann::ordered_json::*is)() const noexcept) {
    return r.contains(key) && (r[key].*is)();
  };
  if (r.is_discarded() || !r.is_object() || !has("job", &nlohmann::ordered_json::is_number_unsigned) ||
      r["job"] != job || !has("status", &nlohmann::ordered_json::is_string) ||
      !has("exit", &nlohmann::ordered_json::is_number_integer) || !has("reason", &nlohmann::ordered_json::is_string) ||
      !has("values", &nlohmann::ordered_json::is_object) ||
      (r.contains("summary") && !r["summary"].is_object()))
    return std::nullopt;
  return r;
}

bool SweepDirectory::finished(std::size_t job) const {
  const auto r = record(job);
  return r && r->contains("status") && ((*r)["status"] == "ok" || (*r)["status"] == "diverged");
}

void SweepDirectory::write_record(std::size_t job, const nlohmann::ordered_json& record) const {
  write_file_atomically(job_dir(job) / kRecordName, record.dump(2) + "\n");
}

std::optional<OutputLock> SweepDirectory::try_lock_job(std::size_t job) const {
  try {
    return OutputLock(dir_ / "jobs" / (job_name(job) + ".lock"), job_dir(job).string());
  } catch (const InputError&) {
    return std::nullopt;
  }
}

void SweepDirectory::prepare_job_dir(std::size_t job) const {
  const fs::path dir = job_dir(job);
  std::error_code ec;
  fs::remove_all(dir, ec);  // a link planted at the name is removed, never followed
  if (ec) throw InputError("cannot clear '" + dir.string() + "': " + ec.message());
  fs::create_directory(dir, ec);
  if (ec) throw InputError("cannot create '" + dir.string() + "': " + ec.message());
}

nlohmann::ordered_json job_record(const Job& job, const JobOutcome& outcome) {
  nlohmann::ordered_json r;
  r["job"] = job.index;
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
  for (const auto& [key, value] : job.values) values[key] = value;
  r["values"] = values;
  r["replicate"] = job.replicate;
  r["seed"] = job.seed;
  r["replicate_seed"] = job.replicate_seed;
  r["status"] = job_status_name(outcome.exit_code);
  r["exit"] = outcome.exit_code;
  r["reason"] = outcome.reason;
  return r;
}

SweepProgress run_sweep_jobs(const SweepDirectory& dir, const JobTable& table, const SweepOptions& options,
                             const JobFunction& job, const JobSummary& summary, const JobExecutor& executor) {
  SweepProgress p;
  std::vector<std::size_t> todo;
  for (const Job& j : table.jobs()) {
    if (options.shard && !options.shard->contains(j.index)) continue;
    ++p.total;
    if (dir.finished(j.index))
      ++p.already;
    else
      todo.push_back(j.index);
  }
  Progress progress("sweep", p.total);
  progress.advance(p.already);
  // A job runs only while this process holds its lock, taken just before the job starts (so
  // only running jobs hold locks and descriptors) and released when its record is written.
  std::map<std::size_t, OutputLock> locks;
  const JobGate gate = [&](const Job& j) {
    std::optional<OutputLock> lock = dir.try_lock_job(j.index);
    if (!lock) {
      ++p.elsewhere;
      return false;
    }
    if (dir.finished(j.index)) {  // finished by another process since the scan
      ++p.already;
      progress.advance();
      return false;
    }
    dir.prepare_job_dir(j.index);
    locks.emplace(j.index, std::move(*lock));
    return true;
  };
  const JobDone done = [&](const Job& j, JobOutcome o) {
    nlohmann::ordered_json r = job_record(j, o);
    if (summary) r.update(summary(j, o));
    dir.write_record(j.index, r);
    locks.erase(j.index);
    ++p.ran;
    if (r["status"] != "ok" && r["status"] != "diverged") ++p.failed;
    progress.set_label(p.failed ? "sweep, " + std::to_string(p.failed) + " not finished" : "sweep");
    progress.advance();
  };
  const JobExecutor run = executor ? executor
                                   : [&](const JobTable& t, const std::vector<std::size_t>& jobs, const JobFunction& f,
                                         const JobDone& d, const JobGate& g) {
                                       return run_job_pool(t, jobs, options.workers, f, d, g);
                                     };
  // A new sweep runs its first job alone: if it fails with bad input (a mistake in the
  // command that every job shares, e.g. a misspelt key in a spec) nothing else runs.
  std::size_t first = 0;
  if (options.canary && !todo.empty()) {
    p.signal = run(table, {todo.front()}, job, done, gate);
    first = 1;
    const auto rec = dir.record(todo.front());
    if (p.signal != 0 || (rec && (*rec)["exit"] == kExitBadInput)) {
      p.canary_failed = p.signal == 0;
      return p;
    }
  }
  p.signal = run(table, std::vector<std::size_t>(todo.begin() + static_cast<std::ptrdiff_t>(first), todo.end()), job,
                 done, gate);
  return p;
}

}  // namespace optdyn::harness
