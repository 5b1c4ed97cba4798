#include "harness/signal_block.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>

#include "harness/signal_cleanup.hpp"

namespace optdyn::harness {
namespace {
bool g_stdout_closed = false;
}

bool standard_output_closed() { return g_stdout_closed; }

SignalBlock::SignalBlock() {
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  active_ = ::pthread_sigmask(SIG_BLOCK, &block, &previous_) == 0;
  // A process-directed signal may be delivered to another thread (a BLAS worker) that does
  // not block it: the cleanup handler then records it instead of acting (signal_cleanup.hpp).
  begin_deferring_signals();
}

SignalBlock::~SignalBlock() {
  // First the handler's deferral (a recorded signal is re-raised here: pending on this
  // thread until the mask is restored), then the mask: delivered after the commit.
  end_deferring_signals();
  if (active_) ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void prepare_process() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    if (fd == STDOUT_FILENO) g_stdout_closed = true;
    // open() returns the lowest free descriptor: this one (the lower ones are open by now).
    const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  // Before any output exists, and on this (the main) thread: signal_cleanup.hpp.
  install_signal_cleanup();
}

}  // namespace optdyn::harness
