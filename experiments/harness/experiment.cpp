#include "harness/experiment.hpp"

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

#include "harness/output_file.hpp"
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
        << " --out DIR [--seed S] [--scale quick|full] [--set KEY=VALUE]... [--force] [--threads N]\n"
        << info_.description << "\n\n"
        << options << "\nParameters (quick default / full default):\n";
    for (const auto& p : info_.params)
      out << "  " << p.key << " = " << p.quick << " / " << p.full << "\n      " << p.help << "\n";
    std::cout << out.str();
    return;
  }

  if (!vm.count("out")) throw InputError(info_.name + ": the option '--out' is required but missing");
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
  ClaimedDirectory claimed = claim_output_directory(out_, vm.count("force") > 0);
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
  impl_->lock.release();
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
