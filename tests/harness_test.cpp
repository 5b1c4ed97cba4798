// The experiment harness: SHA-256 (NIST vectors), CsvWriter, atomic files, Experiment
// argument parsing, the non-empty directory rule and manifest.json.
#define BOOST_TEST_MODULE harness
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <csignal>

#include <cmath>
#include <cstdio>
#include <limits>
#include <new>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "harness/output_file.hpp"
#include "harness/output_lock.hpp"
#include "harness/command_line.hpp"
#include "harness/csv_writer.hpp"
#include "harness/experiment.hpp"
#include "harness/job_result.hpp"
#include "harness/job_table.hpp"
#include "harness/progress.hpp"
#include "harness/sha256.hpp"
#include "optdyn/core/error.hpp"

namespace fs = std::filesystem;
using namespace optdyn;
using namespace optdyn::harness;

namespace {

// A fresh, empty scratch directory, removed at the end of the test.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("optdyn-harness-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// argv from strings (the harness only reads it).
struct Args {
  std::vector<std::string> strings;
  std::vector<char*> pointers;
  explicit Args(std::vector<std::string> s) : strings(std::move(s)) {
    for (auto& a : strings) pointers.push_back(a.data());
    pointers.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(strings.size()); }
  char** argv() { return pointers.data(); }
};

ExperimentInfo demo_info() {
  return {"demo", "a test experiment",
          {{"n", "3", "1000", "number of rows"}, {"lr", "0.5", "0.1", "learning rate"}, {"label", "q", "f", "a word"}}};
}

bool message_contains(const InputError& e, const std::string& needle) {
  return std::string(e.what()).find(needle) != std::string::npos;
}

}  // namespace

// ---------------------------------------------------------------------------- SHA-256
// FIPS 180-4 examples (NIST CSRC "Examples with Intermediate Values", SHA-256) and the
// NIST one-million-'a' vector.
BOOST_AUTO_TEST_CASE(sha256_nist_vectors) {
  BOOST_TEST(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  BOOST_TEST(sha256_hex(std::string(1000000, 'a')) ==
             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(sha256_streaming_equals_one_shot) {
  // Chunk sizes straddling the 64-byte block and the 56-byte padding boundary.
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 37 + 11);
  for (std::size_t length : {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000}) {
    const std::string part = data.substr(0, length);
    for (std::size_t chunk : {1, 3, 64, 100}) {
      Sha256 h;
      for (std::size_t i = 0; i < part.size(); i += chunk) h.update(std::string_view(part).substr(i, chunk));
      BOOST_TEST(h.hex_digest() == sha256_hex(part), "length " << length << " chunk " << chunk);
    }
  }
}

BOOST_AUTO_TEST_CASE(sha256_of_file) {
  ScratchDir dir;
  write_file_atomically(dir.path / "f.txt", "abc");
  BOOST_TEST(sha256_file(dir.path / "f.txt") == sha256_hex("abc"));
  BOOST_CHECK_THROW(sha256_file(dir.path / "missing"), InputError);
}

// --------------------------------------------------------------------- atomic files, CSV
BOOST_AUTO_TEST_CASE(atomic_write_leaves_no_temporary) {
  ScratchDir dir;
  write_file_atomically(dir.path / "a.json", "{}\n");
  BOOST_TEST(read_text(dir.path / "a.json") == "{}\n");
  BOOST_TEST(!fs::exists(dir.path / "a.json.tmp"));
  BOOST_CHECK_THROW(write_file_atomically(dir.path / "no" / "such" / "dir.json", "x"), InputError);
}

BOOST_AUTO_TEST_CASE(format_double_round_trips) {
  BOOST_TEST(format_double(0.1) == "0.10000000000000001");
  BOOST_TEST(format_double(2.0) == "2");
  BOOST_TEST(format_double(-1.5e-300) == "-1.5000000000000001e-300");
  for (double x : {0.1, 1.0 / 3.0, 6.02214076e23, -2.2250738585072014e-308, 12345678.9})
    BOOST_TEST(std::strtod(format_double(x).c_str(), nullptr) == x);
}

BOOST_AUTO_TEST_CASE(format_double_non_finite) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(format_double(nan) == "nan");
  BOOST_TEST(format_double(-nan) == "nan");
  BOOST_TEST(format_double(std::copysign(nan, -1.0)) == "nan");
  volatile double zero = 0.0;
  BOOST_TEST(format_double(zero * -inf) == "nan");  // the sign bit of this NaN is set on x86
  BOOST_TEST(format_double(inf) == "inf");
  BOOST_TEST(format_double(-inf) == "-inf");
}

BOOST_AUTO_TEST_CASE(csv_header_rows_and_rename_on_close) {
  ScratchDir dir;
  const fs::path path = dir.path / "out.csv";
  {
    CsvWriter w(path, {"step", "loss", "name"});
    w.row({CsvCell{0LL}, CsvCell{0.1}, CsvCell{std::string("plain")}});
    w.row({CsvCell{1LL}, CsvCell{1.0 / 3.0}, CsvCell{std::string("a,\"b\"")}});
    BOOST_TEST(w.rows_written() == 2u);
    // Nothing under the final name while open; the rows go to a unique temporary beside it.
    BOOST_TEST(!fs::exists(path));
    const fs::path staged = w.staged_path();
    BOOST_TEST(staged.parent_path() == path.parent_path());
    BOOST_TEST(staged.extension() == ".tmp");
    BOOST_TEST(fs::exists(staged));
    BOOST_CHECK_THROW(w.row({CsvCell{1LL}}), std::invalid_argument);
    w.close();
    BOOST_TEST(fs::exists(path));
    BOOST_TEST(!fs::exists(staged));
    w.close();  // idempotent
  }
  BOOST_TEST(read_text(path) ==
             "step,loss,name\n"
             "0,0.10000000000000001,plain\n"
             "1,0.33333333333333331,\"a,\"\"b\"\"\"\n");
}

// A writer destroyed without close() (a run failing by an exception) changes nothing: the
// earlier file stays, and no temporary is left.
BOOST_AUTO_TEST_CASE(csv_destructor_discards_uncommitted_rows) {
  ScratchDir dir;
  const fs::path path = dir.path / "kept.csv";
  write_file_atomically(path, "old\n");
  {
    CsvWriter w(path, {"x"});
    w.row({CsvCell{2.5}});
  }
  BOOST_TEST(read_text(path) == "old\n");
  BOOST_TEST(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_CASE(csv_move_transfers_ownership) {
  ScratchDir dir;
  const fs::path path = dir.path / "moved.csv";
  {
    CsvWriter a(path, {"x"});
    a.row({CsvCell{1LL}});
    CsvWriter b(std::move(a));
    b.row({CsvCell{2LL}});
    b.close();
  }
  BOOST_TEST(read_text(path) == "x\n1\n2\n");
}

// --------------------------------------------------------------------------- Experiment
BOOST_AUTO_TEST_CASE(experiment_parses_arguments_and_overrides) {
  ScratchDir dir;
  const fs::path out = dir.path / "run";
  Args args({"demo", "--out", out.string(), "--seed", "42", "--scale", "full", "--set", "lr=0.25"});
  Experiment ex(demo_info(), args.argc(), args.argv());
  BOOST_TEST(ex.seed() == 42u);
  BOOST_TEST(ex.scale() == "full");
  BOOST_TEST(ex.out_dir() == out);
  BOOST_TEST(fs::is_directory(out));
  BOOST_TEST(ex.params().kind() == "experiment");
  BOOST_TEST(ex.params().integer("n", 1, 1000000) == 1000);  // full default
  BOOST_TEST(ex.params().real("lr") == 0.25);                 // --set wins
  BOOST_TEST(ex.params().text("label") == "f");
  ex.finish();
}

BOOST_AUTO_TEST_CASE(experiment_quick_defaults) {
  ScratchDir dir;
  Args args({"demo", "--out", (dir.path / "q").string()});
  Experiment ex(demo_info(), args.argc(), args.argv());
  BOOST_TEST(ex.scale() == "quick");
  BOOST_TEST(ex.seed() == 1u);
  BOOST_TEST(ex.params().integer("n", 1, 10) == 3);
  BOOST_TEST(ex.params().real("lr") == 0.5);
  ex.abandon();
  BOOST_TEST(!fs::exists(dir.path / "q"));  // created by this run and left empty: removed
}

BOOST_AUTO_TEST_CASE(experiment_input_errors_name_the_key) {
  ScratchDir dir;
  const std::string out = (dir.path / "e").string();
  const auto fails_with = [&](std::vector<std::string> argv, const std::string& needle) {
    argv.insert(argv.begin(), "demo");
    Args args(argv);
    try {
      Experiment ex(demo_info(), args.argc(), args.argv());
      BOOST_ERROR("no InputError for '" << needle << "'");
    } catch (const InputError& e) {
      BOOST_TEST(message_contains(e, needle), e.what() << " should name " << needle);
      BOOST_TEST(std::string(e.what()).find('\n') == std::string::npos);
    }
  };
  fails_with({"--out", out, "--set", "bogus=1"}, "'bogus'");
  fails_with({"--out", out, "--set", "lr"}, "KEY=VALUE");
  fails_with({"--out", out, "--set", "lr="}, "'lr'");
  fails_with({"--out", out, "--set", "lr=1", "--set", "lr=2"}, "'lr'");
  fails_with({"--out", out, "--scale", "huge"}, "--scale");
  fails_with({"--out", out, "--seed", "-3"}, "--seed");
  fails_with({"--out", out, "--seed", "x"}, "--seed");
  fails_with({"--out", out, "--frobnicate"}, "--frobnicate");
  fails_with({"--seed", "1"}, "--out");
}

BOOST_AUTO_TEST_CASE(experiment_refuses_non_empty_directory_without_force) {
  ScratchDir dir;
  write_file_atomically(dir.path / "existing.txt", "x");
  {
    Args args({"demo", "--out", dir.path.string()});
    try {
      Experiment ex(demo_info(), args.argc(), args.argv());
      BOOST_ERROR("non-empty --out accepted");
    } catch (const InputError& e) {
      BOOST_TEST(message_contains(e, "--force"));
      BOOST_TEST(message_contains(e, dir.path.string()));
    }
  }
  {
    Args args({"demo", "--out", dir.path.string(), "--force"});
    Experiment ex(demo_info(), args.argc(), args.argv());
    ex.finish();
    BOOST_TEST(fs::exists(dir.path / "manifest.json"));
    BOOST_TEST(fs::exists(dir.path / "existing.txt"));  // --force overwrites, never deletes
  }
  // An existing but empty directory is fine without --force.
  fs::create_directories(dir.path / "empty");
  Args args({"demo", "--out", (dir.path / "empty").string()});
  BOOST_CHECK_NO_THROW(Experiment(demo_info(), args.argc(), args.argv()));
}

BOOST_AUTO_TEST_CASE(experiment_manifest_fields_and_checksums) {
  ScratchDir dir;
  const fs::path out = dir.path / "m";
  Args args({"demo", "--out", out.string(), "--seed", "7", "--set", "n=5"});
  Experiment ex(demo_info(), args.argc(), args.argv());
  CsvWriter& a = ex.csv("b_rows.csv", {"i", "x"});
  for (long long i = 0; i < 5; ++i) a.row({CsvCell{i}, CsvCell{0.1 * static_cast<double>(i)}});
  CsvWriter& b = ex.csv("a_rows.csv", {"k"});
  b.row({CsvCell{std::string("only")}});
  write_file_atomically(ex.file("extra.json"), "{\"k\": 1}\n");
  ex.record_file("extra.json");
  ex.note("slope", "-0.5");
  BOOST_TEST(!fs::exists(out / "manifest.json"));
  BOOST_TEST(!fs::exists(out / "b_rows.csv"));  // still open
  ex.finish();
  BOOST_TEST(fs::exists(out / "b_rows.csv"));
  BOOST_TEST(!fs::exists(out / "manifest.json.tmp"));

  const auto m = nlohmann::json::parse(read_text(out / "manifest.json"));
  for (const char* key : {"experiment", "description", "status", "git_commit", "build_type", "compiler", "blas", "seed", "scale",
                          "parameters", "command_line", "start_time", "end_time", "wall_seconds", "results", "files"})
    BOOST_TEST(m.contains(key), "manifest lacks " << key);
  BOOST_TEST(m["experiment"] == "demo");
  BOOST_TEST(m["status"] == "ok");
  BOOST_TEST(m["seed"] == 7);
  BOOST_TEST(m["scale"] == "quick");
  BOOST_TEST((m["blas"]["backend"] == "openblas" || m["blas"]["backend"] == "eigen"));
  BOOST_TEST(m["blas"]["threads"].get<int>() >= 1);
  BOOST_TEST(m["parameters"]["n"] == "5");
  BOOST_TEST(m["parameters"]["lr"] == "0.5");
  BOOST_TEST(m["parameters"]["label"] == "q");
  BOOST_TEST(m["results"]["slope"] == "-0.5");
  BOOST_TEST(m["wall_seconds"].get<double>() >= 0.0);
  // UTC ISO 8601: 2024-05-01T12:34:56Z
  const std::string start = m["start_time"];
  BOOST_TEST(start.size() == 20u);
  BOOST_TEST(start[10] == 'T');
  BOOST_TEST(start.back() == 'Z');
  BOOST_TEST(std::string(m["end_time"]) >= start);

  // Files sorted by path, each with an independently recomputed sha256 and size.
  const auto& files = m["files"];
  BOOST_TEST_REQUIRE(files.size() == 3u);
  BOOST_TEST(files[0]["path"] == "a_rows.csv");
  BOOST_TEST(files[1]["path"] == "b_rows.csv");
  BOOST_TEST(files[2]["path"] == "extra.json");
  for (const auto& f : files) {
    const std::string content = read_text(out / f["path"].get<std::string>());
    Sha256 independent;
    for (char c : content) independent.update(&c, 1);  // byte by byte: a different code path
    BOOST_TEST(f["sha256"] == independent.hex_digest());
    BOOST_TEST(f["bytes"].get<std::uintmax_t>() == content.size());
  }
  BOOST_TEST(read_text(out / "a_rows.csv") == "k\nonly\n");

  // Stable key order: the manifest lists keys in the documented order.
  const std::string text = read_text(out / "manifest.json");
  BOOST_TEST(text.find("\"experiment\"") < text.find("\"git_commit\""));
  BOOST_TEST(text.find("\"git_commit\"") < text.find("\"seed\""));
  BOOST_TEST(text.find("\"seed\"") < text.find("\"files\""));
}

BOOST_AUTO_TEST_CASE(relative_out_directory_and_recorded_files) {
  ScratchDir dir;
  const fs::path previous = fs::current_path();
  fs::current_path(dir.path);
  {
    Args args({"demo", "--out", "rel/"});
    Experiment ex(demo_info(), args.argc(), args.argv());
    BOOST_TEST(ex.out_dir() == fs::path("rel"));
    write_file_atomically(ex.file("x.json"), "1\n");
    ex.record_file(ex.file("x.json"));  // "rel/x.json"
    write_file_atomically(ex.file("y.json"), "2\n");
    ex.record_file("y.json");  // relative to the output directory
    ex.finish();
    const auto m = nlohmann::json::parse(read_text(fs::path("rel") / "manifest.json"));
    BOOST_TEST_REQUIRE(m["files"].size() == 2u);
    BOOST_TEST(m["files"][0]["path"] == "x.json");
    BOOST_TEST(m["files"][1]["path"] == "y.json");
    BOOST_TEST(m["files"][1]["sha256"] == sha256_hex("2\n"));
  }
  fs::current_path(previous);
}

BOOST_AUTO_TEST_CASE(run_experiment_exit_codes) {
  ScratchDir dir;
  const auto run = [&](std::vector<std::string> argv, const std::function<void(Experiment&)>& body) {
    argv.insert(argv.begin(), "demo");
    Args args(argv);
    return run_experiment(args.argc(), args.argv(), demo_info(), body);
  };
  const std::string ok_dir = (dir.path / "ok").string();
  BOOST_TEST(run({"--out", ok_dir}, [](Experiment& ex) { ex.csv("r.csv", {"x"}).row({CsvCell{1.0}}); }) == 0);
  BOOST_TEST(fs::exists(fs::path(ok_dir) / "manifest.json"));
  // Rerun into the non-empty directory: bad input.
  BOOST_TEST(run({"--out", ok_dir}, [](Experiment&) {}) == kExitBadInput);
  BOOST_TEST(run({"--out", ok_dir, "--set", "nope=1"}, [](Experiment&) {}) == kExitBadInput);
  // A bad parameter value found by the body before anything was written: exit 2, no trace.
  const fs::path bad = dir.path / "bad";
  BOOST_TEST(run({"--out", bad.string(), "--set", "n=abc"}, [](Experiment& ex) { ex.params().integer("n", 1, 10); }) ==
             kExitBadInput);
  BOOST_TEST(!fs::exists(bad));
  // Another failure after writing rows: exit 1, rows kept, status recorded.
  const fs::path failed = dir.path / "failed";
  BOOST_TEST(run({"--out", failed.string()}, [](Experiment& ex) {
               ex.csv("partial.csv", {"x"}).row({CsvCell{1.0}});
               throw std::runtime_error("boom");
             }) == 1);
  const auto m = nlohmann::json::parse(read_text(failed / "manifest.json"));
  BOOST_TEST(m["status"] == "failed: boom");
  BOOST_TEST(read_text(failed / "partial.csv") == "x\n1\n");
  // Out of memory (a size that slipped through the budgets): bad input, exit 2.
  BOOST_TEST(run({"--out", (dir.path / "oom").string()}, [](Experiment&) { throw std::bad_alloc(); }) ==
             kExitBadInput);
  BOOST_TEST(run_guarded([]() -> int { throw std::bad_alloc(); }) == kExitBadInput);
  // Diverged.
  BOOST_TEST(run({"--out", (dir.path / "div").string()}, [](Experiment& ex) { ex.finish("diverged"); }) ==
             kExitDiverged);
  // --help: exit 0, no directory.
  BOOST_TEST(run({"--help", "--out", (dir.path / "h").string()}, [](Experiment&) { BOOST_ERROR("ran"); }) == 0);
  BOOST_TEST(!fs::exists(dir.path / "h"));
}

// ---------------------------------------------------------------------------- Experiment jobs
// Experiment::run_jobs: rows and notes merged in job order, the same bytes for any --jobs; a
// job that fails ends the experiment with that job's exit status and name, nothing committed.
BOOST_AUTO_TEST_CASE(experiment_jobs_merge_in_job_order_for_any_worker_count) {
  ScratchDir dir;
  const auto run = [&](const std::string& out, const std::string& jobs, const std::string& fail_kind) {
    Args args({"demo", "--out", (dir.path / out).string(), "--jobs", jobs});
    return run_experiment(args.argc(), args.argv(), demo_info(), [&](Experiment& ex) {
      ex.csv("a.csv", {"job", "x"});
      ex.csv("b.csv", {"job", "y"});
      SweepAxes axes;
      axes.add_grid("k", "range:0:6");
      const std::vector<JobResult> results = ex.run_jobs(JobTable(axes, 5), [&](const Job& job, JobResult& r) {
        const auto k = static_cast<long long>(job.index);
        if (k == 4 && fail_kind == "input") throw InputError("key 'n': job four is bad");
        if (k == 4 && fail_kind == "crash") {
          std::signal(SIGSEGV, SIG_DFL);
          std::raise(SIGSEGV);
        }
        ::usleep(static_cast<useconds_t>((7 - k) * 3000));  // later jobs end first
        for (long long i = 0; i <= k; ++i) r.row("a.csv", {k, std::sqrt(static_cast<double>(i + k)) / 3.0});
        r.row("b.csv", {k, std::nan("") });
        r.note("note_" + std::to_string(k), std::to_string(job.seed));
        r.set("value", 1.0 / 3.0 + static_cast<double>(k));
      });
      ex.add_results(results);
      double sum = 0.0;
      for (const JobResult& r : results) sum += r.get("value", 0.0);
      ex.note("sum", format_double(sum));
    });
  };
  BOOST_TEST(run("one", "1", "") == 0);
  BOOST_TEST(run("three", "3", "") == 0);
  for (const char* f : {"a.csv", "b.csv"}) BOOST_TEST(read_text(dir.path / "one" / f) == read_text(dir.path / "three" / f));
  std::string expected = "job,x\n";
  for (long long k = 0; k < 7; ++k)
    for (long long i = 0; i <= k; ++i)
      expected += std::to_string(k) + "," + format_double(std::sqrt(static_cast<double>(i + k)) / 3.0) + "\n";
  BOOST_TEST(read_text(dir.path / "one" / "a.csv") == expected);
  const auto m1 = nlohmann::json::parse(read_text(dir.path / "one" / "manifest.json"));
  const auto m3 = nlohmann::json::parse(read_text(dir.path / "three" / "manifest.json"));
  BOOST_TEST(m1["results"].dump() == m3["results"].dump());
  BOOST_TEST(m1["results"].begin().key() == "note_0");
  // A failed job: its status, its name in the message, no trace in a new directory.
  BOOST_TEST(run("bad", "2", "input") == kExitBadInput);
  BOOST_TEST(!fs::exists(dir.path / "bad"));
  BOOST_TEST(run("crash", "2", "crash") == 1);
  const auto crash = nlohmann::json::parse(read_text(dir.path / "crash" / "manifest.json"));
  BOOST_TEST(crash["status"].get<std::string>().find("job 4 k=4: killed by SIGSEGV") != std::string::npos,
             crash["status"]);
  Args help({"demo", "--out", (dir.path / "j0").string(), "--jobs", "0"});
  BOOST_TEST(run_experiment(help.argc(), help.argv(), demo_info(), [](Experiment&) {}) == kExitBadInput);
}

// ---------------------------------------------------------------------------- Progress
BOOST_AUTO_TEST_CASE(progress_silent_when_disabled_and_draws_when_enabled) {
  ScratchDir dir;
  const fs::path path = dir.path / "progress.txt";
  std::FILE* sink = std::fopen(path.c_str(), "w");
  {
    Progress silent("quiet", 10, sink, false);
    for (int i = 0; i < 10; ++i) silent.advance();
    BOOST_TEST(silent.done() == 10u);
  }
  std::fflush(sink);
  BOOST_TEST(read_text(path).empty());
  {
    Progress loud("sweep", 4, sink, true);
    for (int i = 0; i < 4; ++i) loud.advance();
    BOOST_TEST(loud.status_line().find("4/4") != std::string::npos);
  }
  std::fclose(sink);
  const std::string drawn = read_text(path);
  BOOST_TEST(drawn.find("sweep: 4/4 (100%)") != std::string::npos);
  BOOST_TEST(drawn.find("ETA") != std::string::npos);
  BOOST_TEST(drawn.back() == '\n');
}

BOOST_AUTO_TEST_CASE(parse_uint64_is_strict) {
  BOOST_TEST(parse_uint64("0", "s") == 0u);
  BOOST_TEST(parse_uint64("18446744073709551615", "s") == UINT64_MAX);
  for (const char* bad : {"", "-1", "1.5", "18446744073709551616", " 1", "0x10"})
    BOOST_CHECK_THROW(parse_uint64(bad, "--seed"), InputError);
}

// ------------------------------------------------------------- output guarantees (README)
BOOST_AUTO_TEST_CASE(output_file_refuses_a_symlink_and_keeps_its_target) {
  ScratchDir dir;
  write_file_atomically(dir.path / "target.txt", "precious\n");
  fs::create_symlink(dir.path / "target.txt", dir.path / "link.csv");
  try {
    OutputFile file(dir.path / "link.csv");
    BOOST_ERROR("a symlink final name was accepted");
  } catch (const InputError& e) {
    BOOST_TEST(message_contains(e, (dir.path / "link.csv").string()));
    BOOST_TEST(message_contains(e, "symbolic link"));
  }
  BOOST_TEST(read_text(dir.path / "target.txt") == "precious\n");
  BOOST_TEST(fs::is_symlink(dir.path / "link.csv"));
}

BOOST_AUTO_TEST_CASE(output_file_link_planted_before_commit_is_refused) {
  ScratchDir dir;
  write_file_atomically(dir.path / "target.txt", "precious\n");
  OutputFile file(dir.path / "late.csv");
  file.write("new\n");
  fs::create_symlink(dir.path / "target.txt", dir.path / "late.csv");
  BOOST_CHECK_THROW(file.commit(), InputError);
  BOOST_TEST(read_text(dir.path / "target.txt") == "precious\n");
  BOOST_TEST(fs::is_symlink(dir.path / "late.csv"));
  BOOST_TEST(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 2);  // no temporary
}

BOOST_AUTO_TEST_CASE(output_file_temporaries_are_unique_and_exclusive) {
  ScratchDir dir;
  OutputFile a(dir.path / "x.csv"), b(dir.path / "x.csv");
  BOOST_TEST(a.staged_path() != b.staged_path());
  BOOST_TEST(a.staged_path().parent_path() == dir.path);
  a.discard();
  BOOST_TEST(!fs::exists(a.staged_path()));
  BOOST_TEST(fs::exists(b.staged_path()));
}

BOOST_AUTO_TEST_CASE(output_lock_refuses_a_second_owner) {
  ScratchDir dir;
  OutputLock first = lock_directory(dir.path);
  BOOST_TEST(fs::exists(dir.path / kDirectoryLockName));
  try {
    OutputLock second = lock_directory(dir.path);
    BOOST_ERROR("a held lock was granted twice");
  } catch (const InputError& e) {
    BOOST_TEST(message_contains(e, "another optdyn run"));
    BOOST_TEST(message_contains(e, dir.path.string()));
  }
  first.release();
  BOOST_TEST(!fs::exists(dir.path / kDirectoryLockName));
  BOOST_CHECK_NO_THROW(lock_directory(dir.path));  // free again
}

// A failure of the body after rows were written, with --force over an earlier result: the
// earlier files are byte-identical, whether the failure is bad input (exit 2) or internal (1).
BOOST_AUTO_TEST_CASE(failing_run_leaves_an_earlier_result_intact) {
  ScratchDir dir;
  const fs::path out = dir.path / "r";
  const auto run = [&](std::vector<std::string> argv, const std::function<void(Experiment&)>& body) {
    argv.insert(argv.begin(), "demo");
    Args args(argv);
    return run_experiment(args.argc(), args.argv(), demo_info(), body);
  };
  BOOST_TEST(run({"--out", out.string()}, [](Experiment& ex) {
               ex.csv("rows.csv", {"x"}).row({CsvCell{1.0}});
               ex.write_file("extra.json", "{}\n");
             }) == 0);
  const std::string rows = read_text(out / "rows.csv"), manifest = read_text(out / "manifest.json");
  BOOST_TEST(run({"--out", out.string(), "--force"}, [](Experiment& ex) {
               ex.csv("rows.csv", {"x"}).row({CsvCell{2.0}});
               ex.write_file("extra.json", "{\"new\": 1}\n");
               ex.params().integer("n", 1000000, 2000000);  // read late, rejected: InputError
             }) == kExitBadInput);
  BOOST_TEST(run({"--out", out.string(), "--force"}, [](Experiment& ex) {
               ex.csv("rows.csv", {"x"}).row({CsvCell{3.0}});
               throw std::runtime_error("boom");
             }) == 1);
  BOOST_TEST(read_text(out / "rows.csv") == rows);
  BOOST_TEST(read_text(out / "extra.json") == "{}\n");
  BOOST_TEST(read_text(out / "manifest.json") == manifest);
  BOOST_TEST(std::distance(fs::directory_iterator(out), fs::directory_iterator()) == 3);  // no temporary, no lock
}
