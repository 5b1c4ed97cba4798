#include "harness/mpi_jobs.hpp"

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "optdyn/core/error.hpp"

#ifdef OPTDYN_HAVE_MPI
#include <mpi.h>
#endif

namespace optdyn::harness {

namespace {

// Whether a launcher started this process as one of several ranks.
int launcher_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return 1;
}

}  // namespace

#ifndef OPTDYN_HAVE_MPI

MpiWorld mpi_world() {
  if (launcher_size() > 1)
    throw InputError("this optdyn was built without MPI but runs under mpirun with " +
                     std::to_string(launcher_size()) + " ranks (install libopenmpi-dev and rebuild, or run without mpirun)");
  return {};
}
void mpi_finalize() {}
bool mpi_agree(bool go) { return go; }
void mpi_abort(int) {}
int run_mpi_jobs_as_scheduler(const JobTable&, const std::vector<std::size_t>&, const JobFunction&, const JobDone&,
                              const JobGate&) {
  throw std::logic_error("MPI scheduler in a build without MPI");
}
void run_mpi_jobs_as_worker(const JobTable&, const JobFunction&) {
  throw std::logic_error("MPI worker in a build without MPI");
}

#else

namespace {

bool g_initialised = false;

// Messages: a worker sends kReady once, then kResult after each job; rank 0 answers each
// with kAssign (a job index) or kStop.
enum Tag : int { kReady = 1, kResult = 2, kAssign = 3, kStop = 4 };

// "<job>\n<exit>\n<reason length>\n<reason><result>"
std::string encode_result(std::size_t job, const JobOutcome& o) {
  return std::to_string(job) + "\n" + std::to_string(o.exit_code) + "\n" + std::to_string(o.reason.size()) + "\n" +
         o.reason + o.result;
}

std::pair<std::size_t, JobOutcome> decode_result(const std::string& bytes) {
  std::size_t pos = 0;
  const auto field = [&] {
    const std::size_t nl = bytes.find('\n', pos);
    const std::string f = bytes.substr(pos, nl - pos);
    pos = nl + 1;
    return f;
  };
  const std::size_t job = std::stoull(field());
  JobOutcome o;
  o.exit_code = std::stoi(field());
  const std::size_t length = std::stoull(field());
  o.reason = bytes.substr(pos, length);
  o.result = bytes.substr(pos + length);
  return {job, std::move(o)};
}

void send_bytes(const std::string& bytes, int to, int tag) {
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::string receive_bytes(const MPI_Status& probed) {
  int count = 0;
  MPI_Get_count(&probed, MPI_CHAR, &count);
  std::string bytes(static_cast<std::size_t>(count), '\0');
  MPI_Recv(bytes.data(), count, MPI_CHAR, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return bytes;
}

void assign(std::size_t job, int to) {
  const unsigned long long index = job;
  MPI_Send(&index, 1, MPI_UNSIGNED_LONG_LONG, to, kAssign, MPI_COMM_WORLD);
}

}  // namespace

MpiWorld mpi_world() {
  if (launcher_size() <= 1) return {};
  if (!g_initialised) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    g_initialised = true;
  }
  MpiWorld w;
  MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &w.size);
  return w;
}

void mpi_finalize() {
  if (g_initialised) MPI_Finalize();
  g_initialised = false;
}

void mpi_abort(int code) {
  if (g_initialised) MPI_Abort(MPI_COMM_WORLD, code);
}

bool mpi_agree(bool go) {
  int flag = go ? 1 : 0;
  MPI_Bcast(&flag, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return flag != 0;
}

int run_mpi_jobs_as_scheduler(const JobTable& table, const std::vector<std::size_t>& todo, const JobFunction& job,
                              const JobDone& done, const JobGate& before_start) {
  const MpiWorld world = mpi_world();
  std::size_t next = 0, outstanding = 0;
  // The next job that may start (the gate may skip some), or kNone.
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const auto next_job = [&]() -> std::size_t {
    while (next < todo.size()) {
      const std::size_t j = todo[next++];
      if (!before_start || before_start(table[j])) return j;
    }
    return kNone;
  };
  std::vector<int> idle;  // workers waiting for work after the table ran out
  std::vector<ChildJob> own;  // rank 0's own job (at most one)
  while (next < todo.size() || outstanding > 0 || !own.empty() ||
         idle.size() + 1 < static_cast<std::size_t>(world.size)) {
    if (own.empty())
      if (const std::size_t j = next_job(); j != kNone) own.emplace_back(table[j], job);
    // Answer every worker that has reported: its result, then its next job.
    for (int flag = 1; flag;) {
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
      if (!flag) break;
      const std::string bytes = receive_bytes(status);
      if (status.MPI_TAG == kResult) {
        auto [index, outcome] = decode_result(bytes);
        --outstanding;
        done(table[index], std::move(outcome));
      }
      if (const std::size_t j = next_job(); j != kNone) {
        assign(j, status.MPI_SOURCE);
        ++outstanding;
      } else {
        idle.push_back(status.MPI_SOURCE);
      }
    }
    // Rank 0's own job, polled briefly so that workers are answered promptly.
    if (!own.empty()) {
      if (!wait_for_children(own, 5).empty()) {
        ChildJob child = std::move(own.front());
        own.clear();
        done(table[child.job()], child.finish());
      }
    } else {
      ::usleep(2000);
    }
  }
  for (int worker : idle) MPI_Send(nullptr, 0, MPI_CHAR, worker, kStop, MPI_COMM_WORLD);
  return 0;
}

void run_mpi_jobs_as_worker(const JobTable& table, const JobFunction& job) {
  send_bytes("", 0, kReady);
  for (;;) {
    MPI_Status status;
    MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    if (status.MPI_TAG == kStop) {
      MPI_Recv(nullptr, 0, MPI_CHAR, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      return;
    }
    unsigned long long index = 0;
    MPI_Recv(&index, 1, MPI_UNSIGNED_LONG_LONG, 0, kAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    const JobOutcome outcome = run_job_in_child(table[static_cast<std::size_t>(index)], job);
    send_bytes(encode_result(static_cast<std::size_t>(index), outcome), 0, kResult);
  }
}

#endif

}  // namespace optdyn::harness
