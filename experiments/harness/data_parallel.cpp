// A command as one rank of a data-parallel job (data_parallel.hpp).
#include "harness/data_parallel.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "harness/command_line.hpp"
#include "harness/mpi_block_backend.hpp"
#include "harness/mpi_jobs.hpp"
#include "harness/output_file.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/sample_blocks.hpp"

namespace optdyn::harness {

namespace {

int g_ranks = 1;

// The rank a launcher gave this process (0 outside one), read before MPI is initialised.
int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"})
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return 0;
}

// A rank > 0's standard streams while its command runs: standard output to /dev/null,
// standard error into an unnamed temporary file, kept for replay(); restored at the end.
class QuietStreams {
 public:
  QuietStreams() {
    std::cout.flush();
    std::fflush(nullptr);
    saved_out_ = ::dup(STDOUT_FILENO);
    saved_err_ = ::dup(STDERR_FILENO);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::close(null);
    }
    kept_ = std::tmpfile();
    ::dup2(kept_ ? ::fileno(kept_) : STDOUT_FILENO, STDERR_FILENO);
  }
  ~QuietStreams() {
    std::cout.flush();
    std::fflush(nullptr);
    ::dup2(saved_out_, STDOUT_FILENO);
    ::dup2(saved_err_, STDERR_FILENO);
    ::close(saved_out_);
    ::close(saved_err_);
    if (kept_) std::fclose(kept_);
  }
  QuietStreams(const QuietStreams&) = delete;
  QuietStreams& operator=(const QuietStreams&) = delete;

  // Copies what the command printed on standard error to the real standard error.
  void replay() {
    std::fflush(stderr);
    if (!kept_) return;
    char buffer[4096];
    for (off_t at = 0;;) {
      const ssize_t n = ::pread(::fileno(kept_), buffer, sizeof buffer, at);
      if (n <= 0) break;
      write_all(saved_err_, std::string_view(buffer, static_cast<std::size_t>(n)));
      at += n;
    }
  }

 private:
  int saved_out_ = -1;
  int saved_err_ = -1;
  std::FILE* kept_ = nullptr;
};

// The ranks' part once MPI runs: the backend, the quiet streams of ranks > 0, the common end.
int run_as_rank(const MpiWorld& world, const std::function<int()>& command) {
  g_ranks = world.size;
  set_block_backend(mpi_block_backend());
  std::optional<QuietStreams> quiet;
  if (world.rank > 0) {
    discard_outputs();
    quiet.emplace();
  }
  const RankOutcome outcome = finish_ranks(command());
  if (quiet && outcome.reporter == world.rank) quiet->replay();  // rank 0 was stopped: say why, once
  quiet.reset();
  set_block_backend(nullptr);
  g_ranks = 1;
  return outcome.status;
}

}  // namespace

int data_parallel_ranks() { return g_ranks; }

int run_data_parallel(const std::function<int()>& command) {
  MpiWorld world;
  try {
    world = mpi_world();
  } catch (const InputError& e) {  // a build without MPI under mpirun: every rank refuses, rank 0 says why
    if (launcher_rank() == 0) print_error(e.what());
    return kExitBadInput;
  }
  if (!world.active()) return command();
  const int status = run_as_rank(world, command);
  mpi_finalize();
  return status;
}

}  // namespace optdyn::harness
