#pragma once
// Files to remove if the process is killed by SIGINT, SIGTERM or SIGHUP: the temporaries of outputs
// being written and the lock files of outputs being held (harness/output_file.hpp,
// harness/output_lock.hpp). Without this an interrupted run would leave `*.tmp` files
// behind, since destructors do not run when a signal terminates the process.
//
// The handler is async-signal-safe: the paths live in a fixed table of C strings (no
// allocation, no locks); it unlink()s every registered path, restores the default action
// and re-raises the signal, so the exit status is still 128 + signal (130, 143) as a shell
// and a parent process expect. It is installed by prepare_process() (harness/signal_block.hpp),
// first thing in every command and experiment, or else on the first registration.
//
// Only the main thread (the one that installed the handler) acts on a signal. A
// process-directed signal may land on any thread that does not block it — a BLAS worker
// started before main() has an empty mask — and a handler there would kill the process while
// the main thread, which blocks the signals around creating and registering an output
// (signal_block.hpp), holds a file not yet registered (an experiment's lock was left behind
// this way). The other threads forward the signal to the main thread (pthread_kill, async-
// signal-safe), where it waits, blocked, until the file is registered.
#include <cstddef>
#include <string>

namespace optdyn::harness {

// The most paths registered at once (an experiment stages one file per CSV plus a manifest
// and a lock). A registration beyond it throws std::runtime_error (an internal error).
inline constexpr std::size_t kMaxCleanupPaths = 128;

// Installs the handler for SIGINT, SIGTERM and SIGHUP now, with the calling thread as the one
// that acts on them (see above). Idempotent.
void install_signal_cleanup();
// Registers `path` for removal on SIGINT/SIGTERM; returns a slot for unregister_cleanup.
std::size_t register_cleanup(const std::string& path);
// Between begin and end (nested), SIGINT/SIGTERM/SIGHUP reaching the handler in any thread
// are recorded; end_deferring_signals() re-raises the first recorded one (harness/signal_block.hpp).
void begin_deferring_signals();
void end_deferring_signals();
// Forgets the slot (after the file was renamed into place or removed). No-op for npos.
void unregister_cleanup(std::size_t slot);
// In a child process just after fork() (harness/job_pool.hpp): forgets the parent's paths
// (they are the parent's to remove, not the child's), any GracefulStop and any deferral,
// so that the child starts as a fresh process would; its forking thread is its main thread.
void forget_parent_cleanup_after_fork();

// A graceful stop (README, "Checkpoints and resume"): while a GracefulStop is alive, the
// first SIGINT, SIGTERM or SIGHUP is only recorded; the run polls signal() between steps, writes a
// checkpoint and returns. A second signal is not waited for: it removes the registered
// files and kills the process as above. After the run has returned and its files are
// closed, die_of_recorded_signal() ends the process by the recorded signal, so the exit
// status is 130 or 143 as for any interrupted program.
class GracefulStop {
 public:
  GracefulStop();
  ~GracefulStop();
  GracefulStop(const GracefulStop&) = delete;
  GracefulStop& operator=(const GracefulStop&) = delete;
  // The signal received (SIGINT, SIGTERM), or 0.
  int signal() const;
};

// If a GracefulStop recorded a signal: restores its default action and raises it. Returns
// only when no signal was recorded.
void die_of_recorded_signal();

}  // namespace optdyn::harness
