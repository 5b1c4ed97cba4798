#include "harness/signal_cleanup.hpp"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace optdyn::harness {
namespace {

// One slot: the path (NUL-terminated) is written while `active` is false and published by
// setting it (release); the handler reads only slots whose flag it sees set (acquire).
struct Slot {
  std::atomic<bool> active{false};
  char path[PATH_MAX];
};

Slot g_slots[kMaxCleanupPaths];
std::mutex g_mutex;  // serialises registrations (never taken by the handler)
std::atomic<bool> g_installed{false};
pthread_t g_main_thread;  // the thread that acts on signals (set before g_installed)
std::atomic<bool> g_graceful{false};  // a GracefulStop is alive
std::atomic<int> g_stop_signal{0};    // the signal it recorded

static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler reads std::atomic<bool>");
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler writes std::atomic<int>");

// harness/signal_block.hpp: while > 0 a signal is recorded, not acted on (it may reach
// another thread, e.g. a BLAS worker, whose mask does not block it).
std::atomic<int> g_defer_depth{0};
std::atomic<int> g_deferred{0};

extern "C" void remove_registered_files(int sig) {
  const int saved = errno;
  // Another thread: hand the signal to the main thread (signal_cleanup.hpp).
  if (!pthread_equal(pthread_self(), g_main_thread)) {
    ::pthread_kill(g_main_thread, sig);
    errno = saved;
    return;
  }
  if (g_defer_depth.load() > 0) {
    g_deferred.store(sig);
    // Re-checked after the store: if the deferral ended meanwhile, act now (else the end of
    // the deferral sees the store and re-raises).
    if (g_defer_depth.load() > 0) {
      errno = saved;
      return;
    }
  }
  // Graceful: record the first signal and let the run stop at its next step boundary.
  int none = 0;
  if (g_graceful.load() && g_stop_signal.compare_exchange_strong(none, sig)) {
    errno = saved;
    return;
  }
  for (Slot& slot : g_slots)
    if (slot.active.load(std::memory_order_acquire)) ::unlink(slot.path);
  // Die of the same signal, so the parent sees 128 + sig and no half-finished cleanup runs.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
  errno = saved;
}

// Called with g_mutex held.
void install_handler() {
  if (g_installed.load()) return;
  g_main_thread = ::pthread_self();
  g_installed.store(true);
  struct sigaction action{};
  action.sa_handler = remove_registered_files;
  sigemptyset(&action.sa_mask);
  // Both signals are blocked while the handler runs, so one cannot interrupt the other's cleanup.
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  sigaddset(&action.sa_mask, SIGHUP);
  action.sa_flags = 0;
  // SIGHUP: a closed terminal or a dropped SSH session (exit 129), cleaned up like SIGTERM.
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction previous{};
    sigaction(sig, nullptr, &previous);
    // A signal the parent told us to ignore (nohup, a shell's background job) stays ignored.
    if (previous.sa_handler == SIG_IGN) continue;
    sigaction(sig, &action, nullptr);
  }
}

}  // namespace

void install_signal_cleanup() {
  std::lock_guard<std::mutex> lock(g_mutex);
  install_handler();
}

void begin_deferring_signals() { g_defer_depth.fetch_add(1); }

void end_deferring_signals() {
  if (g_defer_depth.fetch_sub(1) != 1) return;
  if (const int sig = g_deferred.exchange(0)) ::raise(sig);
}

std::size_t register_cleanup(const std::string& path) {
  if (path.size() >= PATH_MAX) throw std::runtime_error("path too long for the interrupt cleanup: '" + path + "'");
  std::lock_guard<std::mutex> lock(g_mutex);
  install_handler();
  for (std::size_t i = 0; i < kMaxCleanupPaths; ++i) {
    Slot& slot = g_slots[i];
    if (slot.active.load(std::memory_order_relaxed)) continue;
    std::memcpy(slot.path, path.c_str(), path.size() + 1);
    slot.active.store(true, std::memory_order_release);
    return i;
  }
  throw std::runtime_error("more than " + std::to_string(kMaxCleanupPaths) + " outputs open at once");
}

GracefulStop::GracefulStop() {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    install_handler();
  }
  g_graceful.store(true);
}

GracefulStop::~GracefulStop() { g_graceful.store(false); }

int GracefulStop::signal() const { return g_stop_signal.load(); }

void die_of_recorded_signal() {
  const int sig = g_stop_signal.load();
  if (sig == 0) return;
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void forget_parent_cleanup_after_fork() {
  g_main_thread = ::pthread_self();
  for (Slot& slot : g_slots) slot.active.store(false, std::memory_order_release);
  g_graceful.store(false);
  g_stop_signal.store(0);
  g_defer_depth.store(0);
  g_deferred.store(0);
}

void unregister_cleanup(std::size_t slot) {
  if (slot >= kMaxCleanupPaths) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  g_slots[slot].active.store(false, std::memory_order_release);
}

}  // namespace optdyn::harness
