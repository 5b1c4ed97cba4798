// The process's thread count and its persistent worker pool (threads.hpp).
//
// The pool: std::jthread workers created on demand (never more than the largest width asked
// for minus one; the caller is the other thread), sleeping on a condition variable between
// regions. A region (one parallel_for) hands out its tasks in increasing order from an atomic
// counter; the caller works too, then waits until every worker that joined has finished.
// One region at a time: the caller holds g_mutex; a concurrent or nested parallel_for runs
// its tasks inline instead (the result cannot depend on it). Workers block every signal, so
// the process's handlers (experiments/harness/signal_cleanup.hpp) run on the main thread.
// The pool is never destroyed (a process exit ends its sleeping threads), and a forked child
// (optdyn sweep's jobs) forgets it: its threads do not exist there, so the child builds a
// fresh one when it first needs one (pthread_atfork below).
#include "optdyn/core/threads.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "optdyn/core/error.hpp"

namespace optdyn {

namespace {

constinit std::atomic<int> g_threads{1};
thread_local bool t_in_region = false;

// One parallel_for: its tasks, the next to hand out, the lowest that threw and its exception.
struct Region {
  const std::function<void(Index)>* task = nullptr;
  Index tasks = 0;
  std::atomic<Index> next{0};
  std::atomic<Index> failed{0};  // lowest task that threw; `tasks` while none has
  std::mutex error_mutex;
  std::exception_ptr error;

  void work() {
    for (;;) {
      const Index t = next.fetch_add(1);
      if (t >= tasks || t > failed.load()) return;  // handed out in order: every later t is too
      try {
        (*task)(t);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (t < failed.load()) {
          failed.store(t);
          error = std::current_exception();
        }
      }
    }
  }
};

class Pool {
 public:
  Pool() { Eigen::initParallel(); }
  ~Pool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();  // the jthreads join on destruction
  }

  // Runs region.work() on the caller and on `helpers` workers; returns when all are done.
  void run(Region& region, int helpers) {
    grow(helpers);
    {
      std::lock_guard lock(mutex_);
      region_ = &region;
      wanted_ = helpers;
      running_ = helpers;
      ++generation_;
    }
    wake_.notify_all();
    region.work();
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return running_ == 0; });
    region_ = nullptr;
  }

 private:
  void grow(int count) {
    if (static_cast<int>(workers_.size()) >= count) return;
    sigset_t all, previous;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);  // inherited by the new threads
    std::uint64_t generation;
    {
      std::lock_guard lock(mutex_);
      generation = generation_;
    }
    try {
      while (static_cast<int>(workers_.size()) < count) {
        const int index = static_cast<int>(workers_.size());
        workers_.emplace_back([this, index, generation] { loop(index, generation); });
      }
    } catch (...) {  // std::system_error: no more threads
      ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
      throw;
    }
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  }

  void loop(int index, std::uint64_t seen) {
    t_in_region = true;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      if (index >= wanted_) continue;
      Region* region = region_;
      lock.unlock();
      region->work();
      lock.lock();
      if (--running_ == 0) done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  Region* region_ = nullptr;
  std::uint64_t generation_ = 0;
  int wanted_ = 0, running_ = 0;
  bool stopping_ = false;
  std::vector<std::jthread> workers_;  // last: joined first on destruction
};

std::mutex g_mutex;     // held by the thread whose parallel_for uses the pool
Pool* g_pool = nullptr;  // created on first use, never destroyed
std::once_flag g_fork_handlers;

void before_fork() { g_mutex.lock(); }
void parent_after_fork() { g_mutex.unlock(); }
void child_after_fork() {
  g_pool = nullptr;  // its threads exist only in the parent (deliberately leaked here)
  g_mutex.unlock();
}

// OPTDYN_THREADS, read before main (a bad value cannot become an InputError there: exit 2).
// Programs keep this object through the -u link option on optdyn::core (lib/CMakeLists.txt).
const int environment_threads = [] {
  const char* text = std::getenv("OPTDYN_THREADS");
  if (text == nullptr) return 0;
  try {
    const int count = parse_threads(text, "OPTDYN_THREADS");
    g_threads.store(count);
    return count;
  } catch (const InputError& e) {
    std::fprintf(stderr, "optdyn: %s\n", e.what());
    std::exit(2);
  }
}();

}  // namespace

int threads() { return g_threads.load(); }

void set_threads(int count) {
  if (count < 1 || count > kMaxThreads)
    throw std::invalid_argument("set_threads: " + std::to_string(count) + " is not in [1, " +
                                std::to_string(kMaxThreads) + "]");
  g_threads.store(count);
}

int parse_threads(std::string_view text, std::string_view what) {
  int count = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, count);
  if (text.empty() || error != std::errc() || stop != end || count < 1 || count > kMaxThreads)
    throw InputError(std::string(what) + ": '" + std::string(text) + "' is not an integer in [1, " +
                     std::to_string(kMaxThreads) + "]");
  return count;
}

bool in_parallel_region() { return t_in_region; }

void parallel_for(Index tasks, const std::function<void(Index)>& task, int width) {
  if (tasks <= 0) return;
  const Index w = std::min<Index>(width > 0 ? width : threads(), tasks);
  if (w <= 1 || t_in_region) {
    for (Index t = 0; t < tasks; ++t) task(t);
    return;
  }
  std::unique_lock lock(g_mutex, std::try_to_lock);
  if (!lock.owns_lock()) {  // another thread's region is running
    for (Index t = 0; t < tasks; ++t) task(t);
    return;
  }
  std::call_once(g_fork_handlers, [] { ::pthread_atfork(before_fork, parent_after_fork, child_after_fork); });
  if (g_pool == nullptr) g_pool = new Pool;
  Region region;
  region.task = &task;
  region.tasks = tasks;
  region.failed.store(tasks);
  struct InRegion {
    InRegion() { t_in_region = true; }
    ~InRegion() { t_in_region = false; }
  } in_region;
  g_pool->run(region, static_cast<int>(w - 1));
  if (region.error) std::rethrow_exception(region.error);
}

}  // namespace optdyn

// The symbol the linker is told to keep (see above): the OPTDYN_THREADS count, 0 if unset.
extern "C" const int optdyn_threads_configured = optdyn::environment_threads;
