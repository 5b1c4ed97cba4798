// The job table and the process pool of sweeps (harness/job_table.hpp, harness/job_pool.hpp):
// order and seeds against their stated formulas, value lists, placeholders, shards; outcomes
// of jobs that succeed, throw, diverge, abort or send large results; merged order
// independent of the number of workers.
#define BOOST_TEST_MODULE sweep_jobs
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <map>
#include <set>

#include "harness/job_pool.hpp"
#include "harness/job_table.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "support/input_errors.hpp"

using namespace optdyn;
using namespace optdyn::harness;
using optdyn::testing::expect_input_error;

BOOST_AUTO_TEST_CASE(order_is_nested_loops_with_the_replicate_fastest) {
  SweepAxes axes;
  axes.add_grid("a", "1,2");
  axes.add_grid("b", "x,y,z");
  axes.add_list("n", "10,20");
  axes.add_list("m", "p,q");
  axes.set_replicates(2);
  const JobTable table(axes, 7);
  BOOST_TEST(table.size() == 2u * 3u * 2u * 2u);
  std::size_t j = 0;
  for (const char* a : {"1", "2"})
    for (const char* b : {"x", "y", "z"})
      for (int l = 0; l < 2; ++l)
        for (long r = 0; r < 2; ++r, ++j) {
          const Job& job = table[j];
          BOOST_TEST(job.index == j);
          BOOST_TEST(job.value("a") == a);
          BOOST_TEST(job.value("b") == b);
          BOOST_TEST(job.value("n") == (l == 0 ? "10" : "20"));
          BOOST_TEST(job.value("m") == (l == 0 ? "p" : "q"));
          BOOST_TEST(job.replicate == r);
        }
  const std::vector<std::string> keys = {"a", "b", "n", "m", "replicate"};
  BOOST_TEST(table.keys() == keys, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(seeds_follow_the_stated_formula) {
  SweepAxes axes;
  axes.add_grid("lr", "0.1,0.2,0.3");
  axes.set_replicates(4);
  const std::uint64_t sweep_seed = 12345;
  const JobTable table(axes, sweep_seed);
  std::set<std::uint64_t> seeds;
  for (const Job& job : table.jobs()) {
    // seed_j = Rng::derived(S, j).bits() >> 11 (harness/job_table.hpp)
    BOOST_TEST(job.seed == (Rng::derived(sweep_seed, job.index).bits() >> 11));
    BOOST_TEST(job.seed < (std::uint64_t{1} << 53));
    seeds.insert(job.seed);
    // The replicate seed is shared along the grid, different between replicates.
    BOOST_TEST(job.replicate_seed == table[static_cast<std::size_t>(job.replicate)].replicate_seed);
  }
  BOOST_TEST(seeds.size() == table.size());
  BOOST_TEST(table[0].replicate_seed != table[1].replicate_seed);
  BOOST_TEST(table[0].replicate_seed != table[0].seed);
  // Another sweep seed, other job seeds.
  BOOST_TEST(JobTable(axes, sweep_seed + 1)[0].seed != table[0].seed);
}

BOOST_AUTO_TEST_CASE(value_lists) {
  using V = std::vector<std::string>;
  BOOST_TEST(parse_value_list("k", "a,b\\,c,d") == (V{"a", "b,c", "d"}), boost::test_tools::per_element());
  BOOST_TEST(parse_value_list("k", "log:1e-3:1e-1:3") == (V{"0.001", "0.01", "0.1"}), boost::test_tools::per_element());
  BOOST_TEST(parse_value_list("k", "lin:0:1:5") == (V{"0", "0.25", "0.5", "0.75", "1"}), boost::test_tools::per_element());
  BOOST_TEST(parse_value_list("k", "range:2:9:3") == (V{"2", "5", "8"}), boost::test_tools::per_element());
  BOOST_TEST(parse_value_list("k", "range:-1:1") == (V{"-1", "0", "1"}), boost::test_tools::per_element());
  BOOST_TEST(parse_value_list("k", "log:1e-8:1:1") == (V{"1e-8"}), boost::test_tools::per_element());
  // Ends exact, interior log-spaced: 10^(-8 + 8i/6).
  const V many = parse_value_list("k", "log:1e-8:1:7");
  BOOST_TEST(many.front() == "1e-8");
  BOOST_TEST(many.back() == "1");
  for (std::size_t i = 0; i < many.size(); ++i)
    BOOST_TEST(std::abs(std::log10(std::stod(many[i])) - (-8.0 + 8.0 * static_cast<double>(i) / 6.0)) <= 1e-12);
  for (const char* bad : {"", "a,,b", "a,a", "log:0:1:3", "log:1:2", "lin:0:1:0", "range:3:1", "range:0:5:0",
                          "range:0:10000000", "lin:0:x:3", "log:1:10:2000000"})
    BOOST_CHECK_THROW(parse_value_list("k", bad), InputError);
}

BOOST_AUTO_TEST_CASE(bad_axes_name_the_key) {
  SweepAxes axes;
  axes.add_grid("lr", "1,2");
  expect_input_error([&] { axes.add_grid("lr", "3"); }, {"'lr'"});
  expect_input_error([&] { axes.add_grid("seed", "3"); }, {"reserved"});
  expect_input_error([&] { axes.add_grid("9x", "3"); }, {"'9x'"});
  expect_input_error([&] { axes.add_grid_assignment("novalues"); }, {"KEY=VALUES"});
  axes.add_list("n", "1,2,3");
  expect_input_error([&] { axes.add_list("m", "1,2"); }, {"equal lengths"});
  expect_input_error([&] { axes.set_replicates(0); }, {"--seeds"});
  SweepAxes huge;
  huge.add_grid("a", "range:1:1000");
  huge.add_grid("b", "range:1:1000");
  expect_input_error([&] { huge.add_grid("c", "1,2"); }, {"jobs"});
}

BOOST_AUTO_TEST_CASE(placeholders_and_substitution) {
  SweepAxes axes;
  axes.add_grid("lr", "0.5");
  const JobTable table(axes, 1);
  const std::set<std::string> names = placeholders("sgd:lr={lr},seed={seed} {{x}} {dir}", "t");
  BOOST_TEST((names == std::set<std::string>{"lr", "seed", "dir"}));
  BOOST_TEST(substitute("sgd:lr={lr},seed={seed} {{x}} {dir}/a", table[0], {{"dir", "D"}}) ==
             "sgd:lr=0.5,seed=" + std::to_string(table[0].seed) + " {x} D/a");
  BOOST_TEST(substitute("{job}/{replicate}", table[0]) == "0/0");
  for (const char* bad : {"{lr", "lr}", "{}", "{a b}", "{1x}"}) BOOST_CHECK_THROW(placeholders(bad, "t"), InputError);
  expect_input_error([&] { (void)substitute("{nope}", table[0]); }, {"'{nope}'"});
}

BOOST_AUTO_TEST_CASE(shards) {
  const Shard s = parse_shard("2/5");
  BOOST_TEST(s.index == 2u);
  BOOST_TEST(s.count == 5u);
  BOOST_TEST(s.contains(7));
  BOOST_TEST(!s.contains(8));
  for (const char* bad : {"3/2", "2/2", "0/0", "1", "a/2", "1/b", "-1/2", "/2", "1/"}) expect_input_error([&] { (void)parse_shard(bad); }, {"--shard"});
  // Every job in exactly one shard.
  for (std::size_t n = 1; n <= 4; ++n)
    for (std::size_t j = 0; j < 20; ++j) {
      int owners = 0;
      for (std::size_t i = 0; i < n; ++i) owners += Shard{i, n}.contains(j) ? 1 : 0;
      BOOST_TEST(owners == 1);
    }
}

// A job function with every kind of ending, chosen by the job's value.
int mixed_job(const Job& job, JobOutcome& out) {
  const std::string kind = job.value("kind");
  if (kind == "ok") {
    out.result = "result of job " + std::to_string(job.index) + " seed " + std::to_string(job.seed);
    return 0;
  }
  if (kind == "big") {
    out.result.assign(3'000'000, 'x');  // far beyond a pipe's buffer
    out.result += "end";
    return 0;
  }
  if (kind == "input") throw InputError("key 'lr': must be > 0");
  if (kind == "diverge") throw DivergenceError("loss is nan at step 3");
  if (kind == "internal") throw std::runtime_error("something broke");
  if (kind == "abort") {  // a crash (Boost.Test's own SIGABRT handler set aside, as in a program)
    std::signal(SIGABRT, SIG_DFL);
    std::abort();
  }
  if (kind == "exit7") {
    out.reason = "seven";
    return 7;
  }
  return 0;
}

std::map<std::size_t, JobOutcome> run_all(const JobTable& table, int workers) {
  std::map<std::size_t, JobOutcome> outcomes;
  std::vector<std::size_t> todo;
  for (const Job& job : table.jobs()) todo.push_back(job.index);
  const int signal = run_job_pool(table, todo, workers, mixed_job,
                                  [&](const Job& job, JobOutcome o) { outcomes[job.index] = std::move(o); });
  BOOST_TEST(signal == 0);
  return outcomes;
}

BOOST_AUTO_TEST_CASE(outcomes_of_every_kind_and_independent_of_workers) {
  SweepAxes axes;
  axes.add_grid("kind", "ok,big,input,diverge,internal,abort,exit7");
  axes.set_replicates(2);
  const JobTable table(axes, 3);
  const auto one = run_all(table, 1);
  BOOST_TEST(one.size() == table.size());
  for (const Job& job : table.jobs()) {
    const JobOutcome& o = one.at(job.index);
    const std::string kind = job.value("kind");
    BOOST_TEST_INFO(kind);
    if (kind == "ok") {
      BOOST_TEST(o.exit_code == 0);
      BOOST_TEST(o.result == "result of job " + std::to_string(job.index) + " seed " + std::to_string(job.seed));
    } else if (kind == "big") {
      BOOST_TEST(o.result.size() == 3'000'003u);
      BOOST_TEST(o.result.ends_with("end"));
    } else if (kind == "input") {
      BOOST_TEST(o.exit_code == kExitBadInput);
      BOOST_TEST(o.reason == "key 'lr': must be > 0");
    } else if (kind == "diverge") {
      BOOST_TEST(o.exit_code == kExitDiverged);
      BOOST_TEST(o.reason == "loss is nan at step 3");
    } else if (kind == "internal") {
      BOOST_TEST(o.exit_code == 1);
      BOOST_TEST(o.reason == "something broke");
    } else if (kind == "abort") {
      BOOST_TEST(o.exit_code == 128 + SIGABRT);
      BOOST_TEST(o.reason == "killed by SIGABRT");
    } else if (kind == "exit7") {
      BOOST_TEST(o.exit_code == 7);
      BOOST_TEST(o.reason == "seven");
    }
  }
  for (int workers : {2, 3, 20}) {
    const auto other = run_all(table, workers);
    for (const auto& [j, o] : one) {
      BOOST_TEST(other.at(j).exit_code == o.exit_code);
      BOOST_TEST(other.at(j).result == o.result);
      BOOST_TEST(other.at(j).reason == o.reason);
    }
  }
  expect_input_error([&] { run_job_pool(table, {0}, 0, mixed_job, [](const Job&, JobOutcome) {}); }, {"--jobs"});
}

BOOST_AUTO_TEST_CASE(jobs_run_in_parallel) {
  // Two workers overlap two jobs that each sleep 0.3 s: the pair takes well under 0.6 s.
  SweepAxes axes;
  axes.add_grid("k", "a,b");
  const JobTable table(axes, 0);
  const auto start = std::chrono::steady_clock::now();
  run_job_pool(table, {0, 1}, 2, [](const Job&, JobOutcome&) { ::usleep(300'000); return 0; },
               [](const Job&, JobOutcome) {});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(seconds < 0.55);
}
