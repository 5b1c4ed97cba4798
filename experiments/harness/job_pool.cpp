#include "harness/job_pool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>
#include <cstdio>
#include <iostream>
#include <map>
#include <new>
#include <stdexcept>

#include "harness/command_line.hpp"
#include "harness/output_file.hpp"
#include "harness/signal_cleanup.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::harness {

namespace {

// What a child sends through its pipe: "<reason length>\n<reason><result>".
std::string encode(const JobOutcome& o) { return std::to_string(o.reason.size()) + "\n" + o.reason + o.result; }

void decode(const std::string& bytes, JobOutcome& o) {
  const std::size_t newline = bytes.find('\n');
  std::size_t length = 0;
  if (newline != std::string::npos) length = std::stoul(bytes.substr(0, newline));
  if (newline == std::string::npos || newline + 1 + length > bytes.size()) return;  // the child died mid-message
  o.reason = bytes.substr(newline + 1, length);
  o.result = bytes.substr(newline + 1 + length);
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// The child's whole life: run the job, send the outcome, exit with its status.
[[noreturn]] void child_main(const Job& job, const JobFunction& function, int fd, pid_t parent) {
  forget_parent_cleanup_after_fork();
  char name[16];  // "optdyn-j000042" in ps and top (at most 15 characters)
  std::snprintf(name, sizeof name, "optdyn-j%06zu", job.index % 1'000'000);
  ::prctl(PR_SET_NAME, name, 0, 0, 0);
  // Dies with the parent (a SIGKILLed sweep or experiment, an MPI rank ended by mpirun); the
  // check after it covers a parent that died before the call.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (::getppid() != parent) ::_exit(128 + SIGKILL);
  JobOutcome o;
  try {
    o.exit_code = function(job, o);
  } catch (const InputError& e) {
    o.exit_code = kExitBadInput, o.reason = e.what();
  } catch (const DivergenceError& e) {
    o.exit_code = kExitDiverged, o.reason = e.what();
  } catch (const std::bad_alloc&) {
    o.exit_code = kExitBadInput, o.reason = kOutOfMemoryMessage;
  } catch (const std::exception& e) {
    o.exit_code = 1, o.reason = e.what();
  }
  if (!flush_stdout() && o.exit_code == 0) o.exit_code = kExitBadInput, o.reason = "cannot write standard output";
  const bool sent = write_all(fd, encode(o)) == 0;
  ::close(fd);
  ::_exit(sent ? o.exit_code : 1);
}

// Reads what is available from `fd` into `bytes`; false at end of file.
bool read_some(int fd, std::string& bytes) {
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      bytes.append(buffer, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0 || errno != EINTR) return false;
  }
}

}  // namespace

int available_cores() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

ChildJob::ChildJob(const Job& job, const JobFunction& function) : job_(job.index) {
  // What the parent buffered would otherwise be written twice (once by each process).
  std::fflush(nullptr);
  std::cout.flush();
  std::cerr.flush();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + ::strerror(errno));
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(fds[0]), ::close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + ::strerror(errno));
  }
  if (pid_ == 0) {
    ::close(fds[0]);
    // Its own process group: a Ctrl-C at the terminal reaches the parent only, which passes
    // it on exactly once (a second SIGINT would kill a child that is writing its checkpoint).
    ::setpgid(0, 0);
    child_main(job, function, fds[1], parent);
  }
  ::close(fds[1]);
  fd_ = fds[0];
}

ChildJob::ChildJob(ChildJob&& other) noexcept
    : job_(other.job_), pid_(std::exchange(other.pid_, -1)), fd_(std::exchange(other.fd_, -1)),
      bytes_(std::move(other.bytes_)) {}

ChildJob& ChildJob::operator=(ChildJob&& other) noexcept {
  if (this != &other) {
    abandon();
    job_ = other.job_;
    pid_ = std::exchange(other.pid_, -1);
    fd_ = std::exchange(other.fd_, -1);
    bytes_ = std::move(other.bytes_);
  }
  return *this;
}

ChildJob::~ChildJob() { abandon(); }

void ChildJob::abandon() noexcept {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}

bool ChildJob::read_available() { return !read_some(fd_, bytes_); }

JobOutcome ChildJob::finish() {
  ::close(std::exchange(fd_, -1));
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  JobOutcome o;
  decode(bytes_, o);
  if (WIFSIGNALED(status)) {
    o.exit_code = 128 + WTERMSIG(status);
    o.reason = "killed by " + signal_name(WTERMSIG(status));
  } else {
    o.exit_code = WEXITSTATUS(status);
    if (o.exit_code != 0 && o.reason.empty()) o.reason = "exit status " + std::to_string(o.exit_code);
  }
  return o;
}

std::vector<std::size_t> wait_for_children(std::vector<ChildJob>& children, int timeout_ms) {
  std::vector<pollfd> fds;
  for (const ChildJob& c : children) fds.push_back({c.fd(), POLLIN, 0});
  if (!fds.empty() && ::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR)
    throw std::runtime_error(std::string("poll: ") + ::strerror(errno));
  if (fds.empty() && timeout_ms > 0) ::usleep(static_cast<useconds_t>(timeout_ms) * 1000);
  std::vector<std::size_t> ended;
  for (std::size_t i = 0; i < fds.size(); ++i)
    if (fds[i].revents != 0 && children[i].read_available()) ended.push_back(i);
  return ended;
}

JobOutcome run_job_in_child(const Job& job, const JobFunction& function) {
  ChildJob child(job, function);
  while (!child.read_available()) {
  }
  return child.finish();
}

int run_job_pool(const JobTable& table, const std::vector<std::size_t>& todo, int workers, const JobFunction& job,
                 const JobDone& done, const JobGate& before_start) {
  if (workers < 1) throw InputError("--jobs: must be >= 1, got " + std::to_string(workers));
  const GracefulStop stop;
  std::vector<ChildJob> running;
  std::size_t next = 0;
  bool forwarded = false;
  while (next < todo.size() || !running.empty()) {
    while (stop.signal() == 0 && next < todo.size() && running.size() < static_cast<std::size_t>(workers)) {
      const Job& j = table[todo[next++]];
      if (!before_start || before_start(j)) running.emplace_back(j, job);
    }
    if (stop.signal() != 0 && !forwarded) {  // stop: no new jobs; the running ones are told
      for (const ChildJob& c : running) ::kill(c.pid(), stop.signal());
      forwarded = true;
    }
    if (running.empty()) break;
    const std::vector<std::size_t> ended = wait_for_children(running, 200);
    for (std::size_t k = ended.size(); k-- > 0;) {  // from the back: erasing keeps earlier indices valid
      ChildJob child = std::move(running[ended[k]]);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(ended[k]));
      done(table[child.job()], child.finish());
    }
  }
  return stop.signal();
}

}  // namespace optdyn::harness
