#pragma once
// A sweep's jobs (README, "Sweeps"; doc/design.md, "Jobs and sweeps"): the table of independent runs
// an experiment or `optdyn sweep` executes: the Cartesian product of grid axes, one group of
// zipped lists, and replicates, each job with its resolved values and its own seed.
//
//   SweepAxes axes;
//   axes.add_grid("lr", "log:1e-3:1e-1:3");            // 0.001, 0.01, 0.1
//   axes.add_grid("momentum", "0,0.9");
//   axes.add_list("net", "small,large");                 // zipped with the next list:
//   axes.add_list("width", "16,64");                     //   (small,16), (large,64)
//   axes.set_replicates(10);
//   const JobTable table(axes, sweep_seed);              // 3·2·2·10 = 120 jobs
//
// Conventions:
//  * Order: nested loops in the order the axes were given — grid axes (first slowest), then
//    the zipped lists, then the replicate (fastest). Job indices are 0, 1, 2, ...
//  * Seeds never depend on scheduling, only on the sweep seed S and the indices:
//      seed of job j                  = Rng::derived(S, j).bits() >> 11
//      replicate_seed of replicate r  = Rng::derived(S ⊕ kReplicateStream, r).bits() >> 11
//    (Rng::derived is splitmix64 of both; >> 11 keeps 53 bits, exact as a JSON or spreadsheet
//    number). `seed` differs for every job; `replicate_seed` is shared by the jobs of one
//    replicate across the grid, for paired comparisons (common random numbers).
//  * Values are text, substituted as written; generated grids print the shortest decimal
//    that reads back as the same double.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace optdyn::harness {

// One axis: a key and its values (in order).
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};

// The names every job defines besides its axes; not allowed as axis keys.
inline const std::set<std::string>& builtin_job_keys() {
  static const std::set<std::string> keys = {"job", "seed", "replicate", "replicate_seed", "dir"};
  return keys;
}
// Names an axis may not take either: the other columns of a sweep's results table.
inline const std::set<std::string>& reserved_axis_keys() {
  static const std::set<std::string> keys = {"job", "seed",   "replicate", "replicate_seed", "dir",
                                             "status", "exit", "reason"};
  return keys;
}

// Parses a value list (InputError naming `key` on bad text):
//   a,b,c              the values as written (a backslash before a comma keeps it: "x\,y")
//   log:LO:HI:N        N values from LO to HI (both > 0), evenly spaced in log10, ends exact
//   lin:LO:HI:N        N values from LO to HI, evenly spaced, ends exact
//   range:A:B[:STEP]   the integers A, A+STEP, ... up to B (STEP > 0, default 1)
std::vector<std::string> parse_value_list(const std::string& key, std::string_view text);

class SweepAxes {
 public:
  // A grid axis; its values multiply the table. InputError for a bad or repeated key, an
  // empty list, or a repeated value.
  void add_grid(const std::string& key, std::string_view values);
  // A zipped list: every list has the same length; together they are one axis.
  void add_list(const std::string& key, std::string_view values);
  // `count` replicates (≥ 1; default 1, when no replicate column is shown).
  void set_replicates(long count);
  // "KEY=VALUES" forms, as on the command line (--grid, --list).
  void add_grid_assignment(std::string_view assignment);
  void add_list_assignment(std::string_view assignment);

  const std::vector<SweepAxis>& grid() const { return grid_; }
  const std::vector<SweepAxis>& lists() const { return lists_; }
  long replicates() const { return replicates_; }
  // Every axis key (grid, then lists), in order; plus "replicate" when replicates > 1.
  std::vector<std::string> keys() const;
  // The number of jobs; InputError if it exceeds kMaxJobs.
  std::size_t job_count() const;

 private:
  void check_new_key(const std::string& key) const;
  std::vector<SweepAxis> grid_, lists_;
  long replicates_ = 1;
};

// The most jobs a sweep may hold (a typo such as range:0:1e9 is refused, not enumerated).
inline constexpr std::size_t kMaxJobs = 1'000'000;

struct Job {
  std::size_t index = 0;
  std::vector<std::pair<std::string, std::string>> values;  // axis key → value, in axis order
  long replicate = 0;
  std::uint64_t seed = 0;
  std::uint64_t replicate_seed = 0;

  // The value of an axis key or built-in name (job, seed, replicate, replicate_seed);
  // InputError naming the key when the job has none.
  std::string value(std::string_view key) const;
};

class JobTable {
 public:
  JobTable(const SweepAxes& axes, std::uint64_t sweep_seed);
  const std::vector<Job>& jobs() const { return jobs_; }
  std::size_t size() const { return jobs_.size(); }
  const Job& operator[](std::size_t j) const { return jobs_[j]; }
  const std::vector<std::string>& keys() const { return keys_; }
  std::uint64_t sweep_seed() const { return sweep_seed_; }

 private:
  std::vector<Job> jobs_;
  std::vector<std::string> keys_;
  std::uint64_t sweep_seed_ = 0;
};

// The placeholders "{name}" in `text` ("{{" and "}}" are literal braces). InputError naming
// `what` for an unclosed or empty brace or a name that is not [A-Za-z_][A-Za-z0-9_]*.
std::set<std::string> placeholders(std::string_view text, std::string_view what);
// `text` with every "{name}" replaced by job.value(name), or by `extra` (e.g. {dir}).
std::string substitute(std::string_view text, const Job& job, const std::map<std::string, std::string>& extra = {});

// A batch scheduler's share of a table: job j belongs to shard i of N when j mod N = i
// (0 ≤ i < N; round robin, so each shard gets a mix of the table).
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
  bool contains(std::size_t job) const { return job % count == index; }
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};
// "i/N" with 0 ≤ i < N (SLURM: --shard $SLURM_ARRAY_TASK_ID/N with --array=0-(N-1)).
// InputError naming --shard otherwise.
Shard parse_shard(std::string_view text);

}  // namespace optdyn::harness
