#pragma once
// Process-level safety for the output layer (README, "Guarantees").
//
//  * SignalBlock: SIGINT, SIGTERM and SIGHUP are blocked while it lives. A multi-file commit
//    (the checks of every final name, the renames, the directory fsync) runs under one, so
//    an interrupt cannot land between two renames: a signal sent meanwhile stays pending and
//    is delivered when the block ends, i.e. after the commit — the result is then entirely
//    new, never a mix of old and new files.
//  * prepare_process(): called first by run_guarded and run_experiment. Opens /dev/null on
//    any of the descriptors 0, 1, 2 that is closed (the daemon idiom: else the first output
//    file created would get fd 2 and progress lines or error messages would be written into
//    it), and ignores SIGPIPE, so that writing to a closed pipe (`optdyn run --out - | head`)
//    fails with EPIPE and is reported as an unwritable output (exit 2) instead of killing the
//    process silently. It also installs the interrupt cleanup (signal_cleanup.hpp) on this,
//    the main, thread.
#include <signal.h>

namespace optdyn::harness {

class SignalBlock {
 public:
  SignalBlock();
  ~SignalBlock();
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

 private:
  sigset_t previous_{};
  bool active_ = false;
};

void prepare_process();
// Whether prepare_process() found standard output closed (`>&-`): --out - is then refused,
// although fd 1 now refers to /dev/null.
bool standard_output_closed();

}  // namespace optdyn::harness
