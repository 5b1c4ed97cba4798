#include "harness/experiment.hpp"

#include <csignal>
#include <numeric>
#include <optional>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <ctime>
#include <iostream>
#include <new>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "harness/job_pool.hpp"
#include "harness/job_store.hpp"
#include "harness/output_file.hpp"
#include "harness/progress.hpp"
#include "harness/output_lock.hpp"
#include "harness/build_info.hpp"
#include "harness/command_line.hpp"
#include "harness/sha256.hpp"
#include "harness/signal_block.hpp"
#include "optdyn/core/blas.hpp"
#include "optdyn/core/threads.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::harness {

namespace fs = std::filesystem;

namespace {

// UTC, ISO 8601 with seconds: 2024-05-01T12:34:56Z.
std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

po::options_description harness_options() {
  po::options_description options("Options");
  options.add_options()
      ("out", po::value<std::string>()->value_name("DIR"), "output directory (required; must be empty or new)")
      ("seed", po::value<std::string>()->value_name("S")->default_value("1"), "random seed (non-negative integer)")
      ("scale", po::value<std::string>()->value_name("quick|full")->default_value("quick"),
       "parameter defaults: quick (minutes) or full (paper scale)")
      ("set", po::value<std::vector<std::string>>()->value_name("KEY=VALUE")->composing(),
       "override one parameter (repeatable)")
      ("force", "write into a non-empty --out directory (existing files are overwritten)")
      ("jobs", po::value<int>()->value_name("N"), "worker processes for the experiment's runs (default: every core)")
      ("resume", "continue an interrupted run in --out: its finished jobs are kept, the others run")
      ("threads", po::value<std::string>()->value_name("N"),
       "threads for sums over samples (default: OPTDYN_THREADS, else 1); the files are byte-identical for every N")
      ("help,h", "print this help and the parameter table");
  return options;
}

}  // namespace

struct Experiment::Impl {
  std::vector<std::string> command;
  std::chrono::system_clock::time_point start_wall;
  std::chrono::steady_clock::time_point start_steady;
  std::vector<std::unique_ptr<CsvWriter>> csvs;
  std::vector<std::unique_ptr<OutputFile>> files;  // write_file()
  std::vector<fs::path> recorded;
  std::vector<std::pair<std::string, std::string>> notes;
  OutputLock lock;
  std::unique_ptr<JobStore> jobs;  // finished jobs of this run, kept for --resume
  std::size_t job_calls = 0;       // run_jobs calls so far
  bool created_out = false;
  bool started_empty = false;
  bool finished = false;
  std::string status;
};

Experiment::Experiment(ExperimentInfo info, int argc, char** argv)
    : info_(std::move(info)), params_(Spec::parse(info_.name, "experiment")), impl_(std::make_shared<Impl>()) {
  impl_->start_wall = std::chrono::system_clock::now();
  impl_->start_steady = std::chrono::steady_clock::now();
  for (int i = 0; i < argc; ++i) impl_->command.emplace_back(argv[i]);
  const std::vector<std::string> args(impl_->command.begin() + std::min(argc, 1), impl_->command.end());

  const po::options_description options = harness_options();
  po::variables_map vm = parse_options(args, options, info_.name);

  if (vm.count("help")) {
    help_ = true;
    std::ostringstream out;
    out << "usage: " << info_.name
        << " --out DIR [--seed S] [--scale quick|full] [--set KEY=VALUE]... [--force] [--jobs N] [--threads N] [--resume]\n"
        << info_.description << "\n\n"
        << options << "\nParameters (quick default / full default):\n";
    for (const auto& p : info_.params)
      out << "  " << p.key << " = " << p.quick << " / " << p.full << "\n      " << p.help << "\n";
    std::cout << out.str();
    return;
  }

  if (!vm.count("out")) throw InputError(info_.name + ": the option '--out' is required but missing");
  workers_ = vm.count("jobs") ? vm["jobs"].as<int>() : available_cores();
  if (workers_ < 1) throw InputError("--jobs: must be >= 1, got " + std::to_string(workers_));
  seed_ = parse_uint64(vm["seed"].as<std::string>(), "--seed");
  if (vm.count("threads")) set_threads(parse_threads(vm["threads"].as<std::string>(), "--threads"));
  scale_ = vm["scale"].as<std::string>();
  if (scale_ != "quick" && scale_ != "full")
    throw InputError("--scale: '" + scale_ + "' is not one of quick|full");

  // Scale defaults, then --set overrides (each key at most once, only declared keys).
  for (const auto& p : info_.params) {
    const std::string& value = scale_ == "quick" ? p.quick : p.full;
    if (!value.empty()) params_.set(p.key, value);
  }
  if (vm.count("set")) {
    std::set<std::string> seen;
    for (const std::string& item : vm["set"].as<std::vector<std::string>>()) {
      const std::size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0) throw InputError("--set '" + item + "': expected KEY=VALUE");
      const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
      const bool known = std::any_of(info_.params.begin(), info_.params.end(),
                                     [&](const ExperimentParam& p) { return p.key == key; });
      if (!known) {
        std::string keys;
        for (const auto& p : info_.params) keys += (keys.empty() ? "" : ", ") + p.key;
        throw InputError("--set: unknown key '" + key + "' for experiment '" + info_.name +
                         "' (keys: " + (keys.empty() ? std::string("none") : keys) + ")");
      }
      if (value.empty()) throw InputError("--set: key '" + key + "': empty value");
      if (!seen.insert(key).second) throw InputError("--set: key '" + key + "' given twice");
      params_.set(key, value);
    }
  }

  out_ = vm["out"].as<std::string>();
  if (out_.empty()) throw InputError("--out: empty path");
  out_ = out_.lexically_normal();
  if (!out_.has_filename() && out_.has_parent_path() && out_ != out_.root_path()) out_ = out_.parent_path();
  claim(vm.count("force") > 0, vm.count("resume") > 0);
}

// What a resumed run must share with the interrupted one (harness/job_store.hpp).
nlohmann::ordered_json Experiment::identity() const {
  nlohmann::ordered_json id;
  id["experiment"] = info_.name;
  id["seed"] = seed_;
  id["scale"] = scale_;
  nlohmann::ordered_json parameters = nlohmann::ordered_json::object();
  for (const auto& [key, value] : params_.entries()) parameters[key] = value;
  id["parameters"] = parameters;
  id["build"] = build_info().identity();
  return id;
}

// Locks DIR, then: --resume needs an interrupted run of this same command in it; otherwise a
// DIR holding one is refused (continue it, or --force to start over), and any other non-empty
// DIR needs --force.
void Experiment::claim(bool force, bool resume) {
  if (force && resume) throw InputError("--resume and --force: choose one (--resume continues, --force starts over)");
  ClaimedDirectory claimed = claim_output_directory(out_, true);  // locked; emptiness checked below
  impl_->jobs = std::make_unique<JobStore>(out_, identity());
  try {
    if (resume) {
      impl_->jobs->check_resumable();
    } else if (impl_->jobs->exists() && !force) {
      throw InputError("--out '" + out_.string() + "': holds an interrupted run (" + kJobStoreName +
                       "): continue it with --resume, or start over with --force");
    } else if (!claimed.started_empty && !force) {
      throw InputError("--out '" + out_.string() + "': directory is not empty (pass --force to overwrite)");
    }
  } catch (...) {
    claimed.abandon();
    throw;
  }
  if (force) impl_->jobs->remove();
  impl_->lock = std::move(claimed.lock);
  impl_->created_out = claimed.created;
  impl_->started_empty = claimed.started_empty;
}

fs::path Experiment::file(const std::string& filename) const { return out_ / filename; }

CsvWriter& Experiment::csv(const std::string& filename, std::vector<std::string> columns) {
  const fs::path path = out_ / filename;
  for (const auto& w : impl_->csvs)
    if (w->path() == path) throw std::logic_error("experiment '" + info_.name + "': CSV '" + filename + "' opened twice");
  check_replaceable(path);  // a link, pipe or device in DIR: refused (exit 2), never written through
  impl_->csvs.push_back(std::make_unique<CsvWriter>(path, std::move(columns)));
  return *impl_->csvs.back();
}

CsvWriter& Experiment::csv(const std::string& filename) {
  for (const auto& w : impl_->csvs)
    if (w->path() == out_ / filename) return *w;
  throw std::logic_error("experiment '" + info_.name + "': CSV '" + filename + "' is not open");
}

// A relative path is relative to the output directory, unless it already starts with it
// (as ex.file(name) does when --out is relative).
void Experiment::record_file(const fs::path& path) {
  const auto starts_with_out = [&] {
    auto p = path.begin();
    for (auto o = out_.begin(); o != out_.end(); ++o, ++p)
      if (p == path.end() || *p != *o) return false;
    return true;
  };
  impl_->recorded.push_back(path.is_absolute() || starts_with_out() ? path : out_ / path);
}

std::vector<JobResult> Experiment::run_jobs(const JobTable& table,
                                            const std::function<void(const Job&, JobResult&)>& job) {
  const std::size_t call = impl_->job_calls++;
  JobStore& store = *impl_->jobs;
  // Jobs finished by an interrupted run of this command (--resume) are not run again.
  std::vector<std::optional<JobOutcome>> outcomes(table.size());
  std::vector<std::size_t> todo;
  for (const Job& j : table.jobs()) {
    if (const auto stored = store.load(call, j.index)) {
      outcomes[j.index] = JobOutcome{kExitOk, "", *stored};
      continue;
    }
    todo.push_back(j.index);
  }
  Progress progress(info_.name, table.size());
  progress.advance(table.size() - todo.size());
  const int signal = run_job_pool(
      table, todo, workers_,
      [&](const Job& j, JobOutcome& o) {
        JobResult r;
        job(j, r);
        o.result = r.encode();
        return kExitOk;
      },
      [&](const Job& j, JobOutcome o) {
        if (o.exit_code == kExitOk) store.save(call, j.index, o.result);
        outcomes[j.index] = std::move(o);
        progress.advance();
      });
  progress.finish();
  // Interrupted: the signal again, now with no GracefulStop alive, so the handler removes
  // this run's temporaries and lock and ends the process by it (130/143; signal_cleanup.hpp).
  // The finished jobs stay in DIR/.optdyn-jobs for --resume.
  if (signal != 0) ::raise(signal);
  std::vector<JobResult> results;
  for (const Job& j : table.jobs()) {
    const JobOutcome& o = *outcomes[j.index];
    std::string what = "job " + std::to_string(j.index);
    for (const auto& [key, value] : j.values) what += " " + key + "=" + value;
    if (o.exit_code == kExitBadInput) throw InputError(what + ": " + o.reason);
    if (o.exit_code == kExitDiverged) throw DivergenceError(what + ": " + o.reason);
    if (o.exit_code != kExitOk) throw std::runtime_error(what + ": " + o.reason);
    results.push_back(JobResult::decode(o.result));
  }
  return results;
}

void Experiment::add_results(const std::vector<JobResult>& results) {
  for (const JobResult& r : results) {
    for (const auto& [key, text] : r.notes()) note(key, text);
    for (const auto& [table, cells] : r.rows()) csv(table).row(cells);
  }
}

void Experiment::note(const std::string& key, const std::string& value) {
  for (auto& [k, v] : impl_->notes)
    if (k == key) {
      v = value;
      return;
    }
  impl_->notes.emplace_back(key, value);
}

void Experiment::write_file(const std::string& filename, std::string_view content) {
  const fs::path path = out_ / filename;
  for (const auto& f : impl_->files)
    if (f->path() == path) throw std::logic_error("experiment '" + info_.name + "': file '" + filename + "' written twice");
  auto file = std::make_unique<OutputFile>(path, false);
  file->write(content);
  file->finish();
  impl_->files.push_back(std::move(file));
}

bool Experiment::wrote_files() const {
  return !impl_->csvs.empty() || !impl_->files.empty() || !impl_->recorded.empty();
}

bool Experiment::finished() const { return impl_->finished; }

bool Experiment::started_empty() const { return impl_->started_empty; }

const std::string& Experiment::status() const { return impl_->status; }

void Experiment::finish(const std::string& status) {
  if (help_ || impl_->finished) return;
  try {
    commit(status);
  } catch (...) {
    // E.g. a full disk while staging: nothing of this run is committed (abandon() removes
    // every temporary, releases the lock, and removes DIR if this run created it).
    impl_->finished = false;
    abandon();
    throw;
  }
}

void Experiment::commit(const std::string& status) {
  impl_->finished = true;
  impl_->status = status;
  for (auto& w : impl_->csvs) w->stage();
  const auto end_wall = std::chrono::system_clock::now();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - impl_->start_steady).count();

  // Files, by their path relative to the output directory (sorted, so the manifest's
  // layout does not depend on the order in which files were closed).
  // Each with where its bytes are now: a staged temporary, or the file itself when recorded.
  std::vector<std::pair<fs::path, fs::path>> paths;
  for (const auto& w : impl_->csvs) paths.emplace_back(w->path(), w->staged_path());
  for (const auto& f : impl_->files) paths.emplace_back(f->path(), f->staged_path());
  for (const auto& p : impl_->recorded) paths.emplace_back(p, p);
  std::vector<std::pair<std::string, fs::path>> files;
  for (const auto& [p, staged] : paths) {
    std::string name = p.lexically_relative(out_).generic_string();
    if (name.empty() || name.starts_with("..")) name = p.generic_string();
    if (std::none_of(files.begin(), files.end(), [&](const auto& f) { return f.first == name; }))
      files.emplace_back(name, staged);
  }
  std::sort(files.begin(), files.end());

  nlohmann::ordered_json manifest;
  manifest["experiment"] = info_.name;
  manifest["description"] = info_.description;
  manifest["status"] = status;
  manifest["git_commit"] = build_info().git_commit;
  manifest["build_type"] = build_info().build_type;
  manifest["compiler"] = build_info().compiler;
  // The product backend is part of "the build": OpenBLAS and Eigen round differently, and
  // OpenBLAS differently per thread count (optdyn/core/blas.hpp).
  manifest["blas"] = {{"backend", blas_backend()}, {"threads", blas_threads()}};
  manifest["seed"] = seed_;
  manifest["scale"] = scale_;
  nlohmann::ordered_json parameters = nlohmann::ordered_json::object();
  for (const auto& [key, value] : params_.entries()) parameters[key] = value;
  manifest["parameters"] = parameters;
  manifest["command_line"] = impl_->command;
  manifest["start_time"] = iso8601_utc(impl_->start_wall);
  manifest["end_time"] = iso8601_utc(end_wall);
  manifest["wall_seconds"] = wall;
  nlohmann::ordered_json results = nlohmann::ordered_json::object();
  for (const auto& [key, value] : impl_->notes) results[key] = value;
  manifest["results"] = results;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [name, path] : files) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw std::runtime_error("experiment '" + info_.name + "': recorded file '" + path.string() + "' is missing");
    nlohmann::ordered_json entry;
    entry["path"] = name;
    entry["sha256"] = sha256_file(path);
    entry["bytes"] = size;
    list.push_back(entry);
  }
  manifest["files"] = list;
  OutputFile manifest_file(out_ / "manifest.json", false);
  manifest_file.write(manifest.dump(2) + "\n");
  manifest_file.finish();

  // Commit: everything is complete in temporaries. Every final name is checked before
  // anything is touched (a refusal leaves the earlier result byte-identical), and the whole
  // commit runs with SIGINT/SIGTERM/SIGHUP blocked (harness/signal_block.hpp). Then the old
  // manifest goes first, so that a crash between the renames leaves no manifest describing
  // files it does not match; the new manifest is renamed last.
  std::vector<OutputFile*> all;
  for (auto& w : impl_->csvs) all.push_back(&w->file());
  for (auto& f : impl_->files) all.push_back(f.get());
  all.push_back(&manifest_file);
  const fs::path old_manifest = out_ / "manifest.json";
  commit_all(all, [&] {
    if (::unlink(old_manifest.c_str()) != 0 && errno != ENOENT)
      throw InputError("cannot write '" + old_manifest.string() + "': " + std::strerror(errno));
  });
  impl_->jobs->remove();  // the result is in place: the finished jobs have done their work
  impl_->lock.release();
}

void Experiment::discard_jobs() noexcept {
  if (impl_->jobs) impl_->jobs->remove();
}

void Experiment::abandon() {
  if (help_ || impl_->finished) return;
  impl_->finished = true;
  impl_->csvs.clear();   // each discards its temporary
  impl_->files.clear();
  impl_->lock.release();
  std::error_code ec;
  if (impl_->created_out && fs::is_directory(out_, ec) && directory_is_empty(out_)) fs::remove(out_, ec);
}

int run_experiment(int argc, char** argv, ExperimentInfo info, const std::function<void(Experiment&)>& body) {
  prepare_process();  // fds 0-2 open, SIGPIPE ignored: before any file is created
  std::unique_ptr<Experiment> experiment;
  // A failed run commits nothing, so that an earlier result under --force stays intact and a
  // bad parameter leaves no trace (whenever the body finds it). The one exception: an
  // internal error in a run that started in an empty directory commits the rows it wrote,
  // with the failure as the manifest's status, for diagnosis; nothing is lost by that.
  const auto record_failure = [&](const std::string& status, bool keep_partial) {
    if (!experiment || experiment->finished()) return;
    try {
      if (keep_partial && experiment->started_empty() && experiment->wrote_files())
        experiment->finish(status);
      else
        experiment->abandon();
    } catch (...) {
      experiment->abandon();
    }
  };
  try {
    experiment = std::make_unique<Experiment>(std::move(info), argc, argv);
    if (experiment->help_requested()) return flush_stdout() ? kExitOk : kExitBadInput;
    body(*experiment);
    experiment->finish();
    return experiment->status() == "diverged" ? kExitDiverged : kExitOk;
  } catch (const DivergenceError& e) {
    if (!experiment) throw;  // not from a body
    // A run inside met non-finite numbers where the experiment did not expect it (expected
    // divergences are caught where they happen and are data): status "diverged", the reason
    // as the manifest note "divergence", the rows written so far kept; exit 3.
    try {
      experiment->note("divergence", e.what());
      experiment->finish("diverged");
    } catch (const InputError& write_error) {
      record_failure("", false);
      print_error(write_error.what());
      return kExitBadInput;
    }
    print_error(std::string("diverged: ") + e.what());
    return kExitDiverged;
  } catch (const InputError& e) {
    // Bad input leaves no trace, finished jobs included (a resumed run would meet it again).
    if (experiment) experiment->discard_jobs();
    record_failure("", false);
    print_error(e.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    // A last resort: sizes are budgeted before allocating, but not every product is.
    record_failure("", false);
    print_error(kOutOfMemoryMessage);
    return kExitBadInput;
  } catch (const std::exception& e) {
    record_failure(std::string("failed: ") + e.what(), true);
    print_error(e.what());
    return 1;
  }
}

}  // namespace optdyn::harness
