// `optdyn sweep`: one optdyn command run over a table of jobs (a grid of values, zipped lists,
// seeds), locally on every core, as one shard of a batch array, or resumed; the results
// merged into one long-format table (README, "Sweeps"; harness/job_table.hpp for the table,
// harness/sweep_directory.hpp for the directory and its guarantees).
//
//   optdyn sweep --out DIR [--grid KEY=VALUES]... [--list KEY=VALUES]... [--seeds K] [--seed S]
//                [--jobs N | --shard i/N] [--resume] [--merge] -- COMMAND ARGS...
//
// ARGS may hold placeholders {KEY} (an axis), {seed} (the job's seed), {replicate},
// {replicate_seed}, {job} (its index) and {dir} (its folder DIR/jobs/NNNNNN); {{ and }} are
// braces. Every job runs `optdyn COMMAND ARGS` with them substituted, in its own process, its
// standard output and error in {dir}/stdout.txt and {dir}/stderr.txt.
//
// Outputs (all byte-identical for any --jobs and any sharding):
//   DIR/results.csv    one row per job in job order: job, the axis keys, seed (and
//                      replicate_seed with --seeds > 1), status (ok, diverged, failed,
//                      interrupted, missing), exit, reason, then the job's summary
//                      (tool/job_summary.hpp): its status-file fields and final CSV row.
//   DIR/manifest.json  the sweep's definition, every job's status, the counts, and the sha256
//                      of results.csv.
// Exit status: 0 when every job of the table (of the shard, with --shard) finished — ok or
// diverged: a diverging learning rate is a result; otherwise the exit status of the first
// unfinished job in job order (2, 1, 130, ...) after every other job has run. A bad sweep
// (an empty list, an unknown placeholder, a job's command line that does not parse, a bad
// --shard) is exit 2 before any job starts.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "harness/build_info.hpp"
#include "harness/command_line.hpp"
#include "harness/csv_writer.hpp"
#include "harness/job_table.hpp"
#include "harness/mpi_jobs.hpp"
#include "harness/output_file.hpp"
#include "harness/sha256.hpp"
#include "harness/signal_cleanup.hpp"
#include "harness/sweep_directory.hpp"
#include "optdyn/core/error.hpp"
#include "tool/command.hpp"
#include "tool/job_summary.hpp"

namespace optdyn::tool {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr std::int64_t kSweepFormatVersion = 1;

struct SweepRequest {
  harness::SweepOptions options;
  harness::SweepAxes axes;
  std::uint64_t seed = 0;
  std::vector<std::string> command;  // the template: COMMAND ARGS...
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// " (lr=0.1, replicate=2)": how a message names a job besides its index.
std::string describe(const harness::Job& job) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : job.values) parts.push_back(key + "=" + value);
  return parts.empty() ? "" : " (" + join(parts) + ")";
}

std::vector<std::string> substituted(const std::vector<std::string>& tokens, const harness::Job& job,
                                     const std::string& dir) {
  std::vector<std::string> out;
  for (const std::string& token : tokens) out.push_back(harness::substitute(token, job, {{"dir", dir}}));
  return out;
}

SweepRequest read_request(const po::variables_map& vm) {
  SweepRequest r;
  r.options.out = vm["out"].as<std::string>();
  if (r.options.out.empty()) throw InputError("--out: empty path");
  if (vm.count("grid"))
    for (const std::string& g : vm["grid"].as<std::vector<std::string>>()) r.axes.add_grid_assignment(g);
  if (vm.count("list"))
    for (const std::string& l : vm["list"].as<std::vector<std::string>>()) r.axes.add_list_assignment(l);
  r.axes.set_replicates(vm["seeds"].as<long>());
  r.seed = harness::parse_uint64(vm["seed"].as<std::string>(), "--seed");
  r.options.workers = vm.count("jobs") ? vm["jobs"].as<int>() : harness::available_cores();
  if (r.options.workers < 1) throw InputError("--jobs: must be >= 1, got " + std::to_string(r.options.workers));
  if (vm.count("shard")) r.options.shard = harness::parse_shard(vm["shard"].as<std::string>());
  r.options.resume = vm.count("resume") > 0;
  r.options.merge_only = vm.count("merge") > 0;
  if (r.options.merge_only && r.options.shard) throw InputError("--merge: runs no job, so --shard makes no sense with it");
  if (vm.count("command")) r.command = vm["command"].as<std::vector<std::string>>();
  if (r.command.empty()) throw InputError("sweep: no command to run (give it after --, e.g. -- run --objective ...)");
  if (r.command[0] == "sweep" || r.command[0] == "help" || r.command[0].starts_with("-"))
    throw InputError("sweep: '" + r.command[0] + "' cannot be swept (give an optdyn command: run, flow, eval, ...)");
  return r;
}

// What {dir} becomes while the command lines are checked (no real folder has this name).
const std::string kDirMarker = "\x01DIR\x01";

bool writes_to_stdout(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i)
    if (args[i] == "--out=-" || (args[i] == "--out" && i + 1 < args.size() && args[i + 1] == "-")) return true;
  return false;
}

// A job's command (after substitution) is an optdyn command that runs and writes inside its
// own folder: not sweep or help, no --help, and every --out either standard output or a path
// strictly inside {dir} (no '..' out of it) that is none of the sweep's own files there.
void check_job_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "sweep" || args[0] == "help" || args[0].starts_with("-"))
    throw InputError("'" + (args.empty() ? std::string() : args[0]) +
                     "' cannot be swept (give an optdyn command: run, flow, eval, ...)");
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") throw InputError("'" + args[i] + "' runs nothing");
    std::string out;
    if (args[i] == "--out" && i + 1 < args.size())
      out = args[i + 1];
    else if (args[i].starts_with("--out="))
      out = args[i].substr(6);
    else
      continue;
    if (out == "-") continue;
    const fs::path inside = fs::path(out).lexically_normal().lexically_relative(kDirMarker);
    if (!out.starts_with(kDirMarker) || inside.empty() || inside == "." || *inside.begin() == "..")
      throw InputError("--out '" + out + "': a job writes inside its own folder: give a path under {dir}, e.g. {dir}/run.csv");
    const std::string name = inside.generic_string();
    if (name == "job.json" || name == "stdout.txt" || name == "stderr.txt")
      throw InputError("--out '{dir}/" + name + "': the sweep keeps its own " + name + " there (choose another name)");
  }
}

// Every placeholder is defined, every axis is used, the jobs write under {dir} (or to
// standard output, which lands in {dir}/stdout.txt), and every job's command line parses.
void check_template(const SweepRequest& r, const harness::JobTable& table) {
  std::set<std::string> used;
  for (const std::string& token : r.command)
    for (const std::string& name : harness::placeholders(token, "argument '" + token + "'")) used.insert(name);
  const std::vector<std::string> keys = r.axes.keys();
  for (const std::string& name : used)
    if (!harness::builtin_job_keys().count(name) && std::find(keys.begin(), keys.end(), name) == keys.end())
      throw InputError("sweep: unknown placeholder '{" + name + "}' (axes: " +
                       (keys.empty() ? std::string("none") : join(keys)) +
                       "; built in: job, seed, replicate, replicate_seed, dir)");
  for (const std::string& key : keys)
    if (key != "replicate" && !used.count(key))
      throw InputError("sweep: axis '" + key + "' is not used by the command (put {" + key + "} where it belongs)");
  if (r.axes.replicates() > 1 && !used.count("seed") && !used.count("replicate_seed") && !used.count("replicate"))
    throw InputError("sweep: --seeds " + std::to_string(r.axes.replicates()) +
                     " but the command uses none of {seed}, {replicate_seed}, {replicate}: every replicate would be the same run");
  if (!used.count("dir") && !writes_to_stdout(r.command))
    throw InputError("sweep: the command must write into its job's folder: use {dir} in its output, e.g. --out {dir}/run.csv");
  for (const harness::Job& job : table.jobs()) {
    const std::vector<std::string> args = substituted(r.command, job, kDirMarker);
    try {
      check_job_command(args);
      check_command_line(args);
    } catch (const InputError& e) {
      std::string message = e.what();  // as the user wrote it: {dir}, not the marker
      for (std::size_t at; (at = message.find(kDirMarker)) != std::string::npos;) message.replace(at, kDirMarker.size(), "{dir}");
      throw InputError("sweep: job " + std::to_string(job.index) + describe(job) + ": " + message);
    }
  }
}


// What defines the sweep (DIR/sweep.json): a resumed run, a shard or a merge must match it.
ordered_json definition(const SweepRequest& r, const harness::JobTable& table) {
  const auto axes_json = [](const std::vector<harness::SweepAxis>& axes) {
    ordered_json out = ordered_json::array();
    for (const harness::SweepAxis& a : axes) out.push_back({{"key", a.key}, {"values", a.values}});
    return out;
  };
  ordered_json d;
  d["format"] = "optdyn-sweep";
  d["version"] = kSweepFormatVersion;
  d["command"] = r.command;
  d["grid"] = axes_json(r.axes.grid());
  d["lists"] = axes_json(r.axes.lists());
  d["replicates"] = r.axes.replicates();
  d["seed"] = r.seed;
  d["jobs"] = table.size();
  d["build"] = harness::build_info().identity();
  return d;
}

// Points `fd` at a new file in the job's folder `folder` (a descriptor): created
// exclusively, never through a link, so nothing planted there is written through.
void redirect(int fd, int folder, const fs::path& path) {
  const int file = ::openat(folder, path.filename().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (file < 0 || ::dup2(file, fd) < 0) throw InputError("cannot write '" + path.string() + "'");
  ::close(file);
}

std::string last_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

// In the job's own process: `optdyn COMMAND ARGS` with the job's values, as main() runs it.
int run_job(const SweepRequest& r, const harness::Job& job, harness::JobOutcome& outcome) {
  const fs::path folder = harness::sweep_job_dir(r.options.out, job.index);
  const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd < 0) throw InputError("cannot open the job's folder '" + folder.string() + "'");
  redirect(STDOUT_FILENO, dir_fd, folder / "stdout.txt");
  redirect(STDERR_FILENO, dir_fd, folder / "stderr.txt");
  ::close(dir_fd);
  const int status = harness::run_guarded([&] { return dispatch(substituted(r.command, job, folder.string())); });
  std::fflush(stderr);
  if (status != kExitOk) {  // the command's one-line error, without its "error: "
    outcome.reason = last_line(folder / "stderr.txt");
    if (outcome.reason.starts_with("error: ")) outcome.reason.erase(0, 7);
  }
  return status;
}

ordered_json job_summary(const harness::SweepDirectory& dir, const harness::Job& job) {
  ordered_json summary = ordered_json::object();
  for (auto& [key, value] : summarize_job_folder(dir.job_dir(job.index))) summary[key] = value;
  return {{"summary", summary}};
}

struct MergeCounts {
  std::size_t ok = 0, diverged = 0, unfinished = 0, missing = 0;
  int first_exit = kExitOk;  // of the first unfinished job in job order
  std::string first;         // "job 7 (lr=1): reason"
};

std::string cell(const ordered_json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// DIR/results.csv and DIR/manifest.json from the job records, in job order.
MergeCounts merge(const SweepRequest& r, const harness::SweepDirectory& dir, const harness::JobTable& table,
                  const ordered_json& sweep_definition) {
  std::vector<std::optional<ordered_json>> records;
  std::vector<std::string> summary_keys;
  std::set<std::string> seen;
  for (const harness::Job& job : table.jobs()) {
    records.push_back(dir.record(job.index));
    if (records.back() && records.back()->contains("summary"))
      for (const auto& [key, value] : (*records.back())["summary"].items())
        if (seen.insert(key).second) summary_keys.push_back(key);
  }
  std::vector<std::string> columns = {"job"};
  for (const std::string& key : r.axes.keys()) columns.push_back(key);
  columns.push_back("seed");
  if (r.axes.replicates() > 1) columns.push_back("replicate_seed");
  for (const char* c : {"status", "exit", "reason"}) columns.push_back(c);
  // A summary field named like a job column (the command's own status, reason, seed) is
  // shown as command_<name>.
  const std::set<std::string> job_columns(columns.begin(), columns.end());
  for (const std::string& key : summary_keys) columns.push_back(job_columns.count(key) ? "command_" + key : key);

  MergeCounts counts;
  ordered_json jobs = ordered_json::array();
  harness::CsvWriter results(dir.path() / "results.csv", columns);
  for (const harness::Job& job : table.jobs()) {
    const auto& rec = records[job.index];
    const std::string status = rec ? cell((*rec)["status"]) : "missing";
    const int exit = rec ? (*rec)["exit"].get<int>() : 1;
    const std::string reason = rec ? cell((*rec)["reason"]) : "no record (not run yet, or run elsewhere)";
    std::vector<harness::CsvCell> row = {static_cast<long long>(job.index)};
    for (const std::string& key : r.axes.keys()) row.push_back(job.value(key));
    row.push_back(std::to_string(job.seed));
    if (r.axes.replicates() > 1) row.push_back(std::to_string(job.replicate_seed));
    row.push_back(status);
    row.push_back(rec ? static_cast<long long>(exit) : harness::CsvCell(std::string()));
    row.push_back(reason);
    for (const std::string& key : summary_keys)
      row.push_back(rec && rec->contains("summary") && rec->at("summary").contains(key) ? cell(rec->at("summary").at(key))
                                                                                       : std::string());
    results.row(row);
    if (status == "ok") ++counts.ok;
    else if (status == "diverged") ++counts.diverged;
    else {
      status == "missing" ? ++counts.missing : ++counts.unfinished;
      if (counts.first.empty()) {
        counts.first_exit = exit;
        counts.first = "job " + std::to_string(job.index) + describe(job) + ": " + status + (reason.empty() ? "" : ", " + reason);
      }
    }
    jobs.push_back({{"job", job.index}, {"status", status}, {"exit", rec ? ordered_json(exit) : ordered_json()},
                    {"reason", reason}});
  }
  results.stage();
  ordered_json manifest;
  manifest["format"] = "optdyn-sweep-manifest";
  manifest["version"] = kSweepFormatVersion;
  manifest["status"] = counts.unfinished + counts.missing == 0 ? "complete" : "incomplete";
  manifest["counts"] = {{"jobs", table.size()}, {"ok", counts.ok}, {"diverged", counts.diverged},
                        {"failed_or_interrupted", counts.unfinished}, {"missing", counts.missing}};
  manifest["files"] = {{"results.csv", {{"sha256", harness::sha256_file(results.staged_path())}}}};
  manifest["sweep"] = sweep_definition;
  manifest["jobs"] = jobs;
  harness::OutputFile manifest_file(dir.path() / "manifest.json", false);
  manifest_file.write(manifest.dump(2) + "\n");
  harness::commit_all({&results.file(), &manifest_file});
  return counts;
}

// Claims DIR, runs the jobs with `executor` (local pool by default), merges: the whole sweep
// in one process, or rank 0's part under MPI. `claimed` learns whether DIR was claimed (null)
// or why not.
int run_sweep_here(const SweepRequest& r, const harness::JobTable& table, const ordered_json& sweep_definition,
                   const harness::JobExecutor& executor, const std::function<void(const std::string*)>& claimed) {
  std::optional<harness::SweepDirectory> claim;
  try {
    claim.emplace(r.options, sweep_definition);
  } catch (const InputError& e) {
    const std::string refusal = e.what();
    claimed(&refusal);
    throw;
  }
  claimed(nullptr);
  harness::SweepDirectory& dir = *claim;
  // The merged files are replaced by renames: a link, pipe or device there is refused now,
  // before any job runs.
  harness::check_replaceable(dir.path() / "results.csv");
  harness::check_replaceable(dir.path() / "manifest.json");
  if (!r.options.merge_only) {
    const harness::SweepProgress p = harness::run_sweep_jobs(
        dir, table, r.options, [&](const harness::Job& job, harness::JobOutcome& o) { return run_job(r, job, o); },
        [&](const harness::Job& job, const harness::JobOutcome&) { return job_summary(dir, job); }, executor);
    if (p.canary_failed) {  // the first job met bad input: the command is wrong for every job
      const auto rec = dir.record(table[0].index);
      const std::string reason = rec ? (*rec)["reason"].get<std::string>() : "bad input";
      dir.remove_created();
      throw InputError("sweep: job 0" + describe(table[0]) + ": " + reason + " (the first job ran alone; nothing else was run)");
    }
    if (p.signal != 0) {
      harness::print_error("sweep interrupted: " + std::to_string(p.already + p.ran - p.failed) + " of " +
                           std::to_string(p.total) + " jobs finished; continue with the same command and --resume");
      return 128 + p.signal;
    }
    if (r.options.shard) {
      std::fprintf(stderr, "sweep shard %s: %zu of %zu jobs finished (%zu before this run), %zu not finished, %zu run elsewhere; merge with --merge when every shard is done\n",
                   r.options.shard->text().c_str(), p.already + p.ran - p.failed, p.total, p.already, p.failed, p.elsewhere);
      for (const harness::Job& job : table.jobs())
        if (r.options.shard->contains(job.index) && !dir.finished(job.index)) {
          const auto rec = dir.record(job.index);
          return rec ? (*rec)["exit"].get<int>() : 1;
        }
      return kExitOk;
    }
  }
  if (r.options.merge_only)  // a merge of a sweep that is not complete: refused, nothing written
    for (const harness::Job& job : table.jobs())
      if (!dir.record(job.index))
        throw InputError("--merge: job " + std::to_string(job.index) + describe(job) +
                         " has no record yet (run the missing shards, or --resume)");
  const MergeCounts counts = merge(r, dir, table, sweep_definition);
  std::fprintf(stderr, "sweep: %zu jobs: %zu ok, %zu diverged, %zu failed or interrupted, %zu missing; %s/results.csv\n",
               table.size(), counts.ok, counts.diverged, counts.unfinished, counts.missing, dir.path().c_str());
  if (counts.first.empty()) return kExitOk;
  harness::print_error("sweep: not every job finished; first " + counts.first + " (rerun with --resume)");
  return counts.first_exit == kExitOk || counts.first_exit == kExitDiverged ? 1 : counts.first_exit;
}

// Under mpirun (harness/mpi_jobs.hpp): every rank reads and checks the same request (only
// rank 0 reports an error); rank 0 claims DIR, schedules and merges; the others run jobs.
int run_sweep_mpi(const po::variables_map& vm, const harness::MpiWorld& world) {
  // Every rank checks the same request. On bad input rank 0 prints the one line first and
  // then every rank leaves together (a rank that left first would make mpirun end the job
  // before rank 0 had said why).
  std::optional<SweepRequest> request;
  std::optional<harness::JobTable> table;
  std::string error;
  try {
    if (vm.count("jobs")) throw InputError("--jobs: not used under mpirun (every rank runs one job at a time; use -np)");
    request = read_request(vm);
    table.emplace(request->axes, request->seed);
    check_template(*request, *table);
  } catch (const InputError& e) {
    error = e.what();
  }
  if (world.rank == 0 && !error.empty()) harness::print_error(error);
  if (!harness::mpi_agree(error.empty())) return kExitBadInput;
  const SweepRequest& r = *request;
  if (world.rank != 0) {
    if (!harness::mpi_agree(false)) return kExitBadInput;  // rank 0 refused the directory; it says why
    if (!r.options.merge_only)
      harness::run_mpi_jobs_as_worker(*table, [&](const harness::Job& job, harness::JobOutcome& o) { return run_job(r, job, o); });
    return kExitOk;
  }
  bool agreed = false;
  try {
    return run_sweep_here(r, *table, definition(r, *table), harness::run_mpi_jobs_as_scheduler,
                          [&](const std::string* refusal) {
                            if (refusal) harness::print_error(*refusal);  // before the others leave
                            agreed = harness::mpi_agree(refusal == nullptr);
                          });
  } catch (const std::exception& e) {
    if (!agreed) return kExitBadInput;  // the directory was refused: said above, the workers told
    harness::print_error(std::string("sweep: ") + e.what());
    harness::mpi_abort(1);  // the workers wait for rank 0: end them all
    throw;
  }
}

int run_sweep(const po::variables_map& vm) {
  const harness::MpiWorld world = harness::mpi_world();
  struct Finalize {
    ~Finalize() { harness::mpi_finalize(); }
  } finalize;
  if (world.active()) return run_sweep_mpi(vm, world);
  const SweepRequest r = read_request(vm);
  const harness::JobTable table(r.axes, r.seed);
  check_template(r, table);
  SweepRequest local = r;
  local.options.canary = !r.options.resume && !r.options.merge_only && !r.options.shard;
  return run_sweep_here(local, table, definition(r, table), {}, [](const std::string*) {});
}

}  // namespace

Command sweep_command() {
  Command c;
  c.name = "sweep";
  c.summary = "run an optdyn command over a grid of values and seeds, on every core or as shards; one results table";
  c.synopsis =
      "optdyn sweep --out DIR [--grid KEY=VALUES]... [--list KEY=VALUES]... [--seeds K] [--seed S]\n"
      "             [--jobs N | --shard i/N] [--resume] [--merge] -- COMMAND ARGS...";
  c.details =
      "Runs `optdyn COMMAND ARGS` once per job, each in its own process, --jobs at a time (default:\n"
      "every core). Jobs: the product of the --grid axes (first slowest), times the zipped --list\n"
      "axes (equal lengths), times --seeds replicates (fastest).\n\n"
      "VALUES: a,b,c (a backslash keeps a comma: x\\,y) | log:LO:HI:N | lin:LO:HI:N | range:A:B[:STEP].\n\n"
      "Placeholders in ARGS: {KEY} for an axis, {seed} (the job's own seed, derived from --seed and\n"
      "the job index: never from scheduling), {replicate}, {replicate_seed} (shared across the grid\n"
      "for paired comparisons), {job}, {dir} (the job's folder DIR/jobs/NNNNNN); {{ and }} are braces.\n"
      "Example: optdyn sweep --out lr --grid lr=log:1e-3:1:7 --seeds 5 -- run --objective rosenbrock\n"
      "           --optimizer 'sgd:lr={lr}' --steps 1000 --seed {seed} --out {dir}/run.csv\n\n"
      "Outputs: DIR/results.csv, one row per job (job, axes, seed, status, exit, reason, then the\n"
      "fields of the job's status file and final_<column> of its CSV's last row); DIR/manifest.json\n"
      "(definition, every job's status, sha256 of results.csv); DIR/jobs/NNNNNN/ (the job's files,\n"
      "stdout.txt, stderr.txt and job.json, its record). Byte-identical for any --jobs or sharding.\n\n"
      "--resume runs only the jobs without a finished (ok or diverged) record. --shard i/N runs the\n"
      "jobs j with j mod N = i (0 <= i < N; e.g. a SLURM array task) into the same DIR, many at\n"
      "once; --merge then writes results.csv and manifest.json. A job that fails or is killed is\n"
      "recorded with its reason and the others go on; the exit status is 0 when every job finished,\n"
      "else that of the first unfinished job. SIGINT/SIGTERM stop the sweep (running jobs are told;\n"
      "optdyn run stops at its next step), exit 130/143: continue with --resume.";
  c.declare = [](po::options_description& visible, po::options_description& hidden,
                 po::positional_options_description& positional) {
    visible.add_options()
        ("out", po::value<std::string>()->value_name("DIR")->required(), "sweep directory")
        ("grid", po::value<std::vector<std::string>>()->value_name("KEY=VALUES")->composing(), "a grid axis (repeatable)")
        ("list", po::value<std::vector<std::string>>()->value_name("KEY=VALUES")->composing(), "a zipped list (repeatable)")
        ("seeds", po::value<long>()->value_name("K")->default_value(1), "replicates per grid point")
        ("seed", po::value<std::string>()->value_name("S")->default_value("0"), "the sweep seed (job seeds derive from it)")
        ("jobs", po::value<int>()->value_name("N"), "workers on this machine (default: every core)")
        ("shard", po::value<std::string>()->value_name("i/N"), "run only the jobs j with j mod N = i")
        ("resume", "continue the sweep in DIR: run the jobs without a finished record")
        ("merge", "run nothing: write results.csv and manifest.json from the records in DIR");
    hidden.add_options()("command", po::value<std::vector<std::string>>(), "the command and its arguments");
    positional.add("command", -1);
  };
  c.run = run_sweep;
  return c;
}

}  // namespace optdyn::tool
