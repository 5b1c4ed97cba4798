#pragma once
// The process's worker threads (doc/design.md, "Sample blocks and threads"): one process-wide
// thread count and a small persistent pool that runs independent tasks in parallel. The
// library uses it only where the result cannot depend on the count: the sample blocks of
// sample_blocks.hpp (every block computed by the same code whichever thread runs it, partial
// sums added in block order) and the row blocks of the zero-skipping input products (each
// writes its own rows). So every output is bit-identical for any thread count.
//
// The count: OPTDYN_THREADS=N in the environment (read before main; an integer in
// [1, kMaxThreads], otherwise the program ends with exit status 2 and one line on stderr),
// then `--threads N` of the optdyn tool and the experiment binaries, or set_threads. Default
// 1: a process uses one core unless asked for more, so that `optdyn sweep --jobs`, CTest and
// other processes on a shared machine are not oversubscribed; the numbers are the same
// either way. OpenBLAS stays pinned to its own count (blas.hpp, one thread by default): the
// parallelism comes from the tasks, each of which calls the BLAS on one thread.
#include <functional>
#include <string_view>

#include "optdyn/core/types.hpp"

namespace optdyn {

inline constexpr int kMaxThreads = 256;

// The process-wide thread count (≥ 1).
int threads();
// Sets it; std::invalid_argument outside [1, kMaxThreads]. Takes effect at the next
// parallel_for; the pool grows on demand (idle workers sleep).
void set_threads(int count);
// The integer text of a thread count; InputError "<what>: '<text>' is not an integer in
// [1, 256]" otherwise (for --threads and OPTDYN_THREADS).
int parse_threads(std::string_view text, std::string_view what);

// Runs task(t) once for every t in [0, tasks) on min(width, tasks) threads — the caller and
// pool workers; width 0 means threads() — and returns when all have finished. Tasks are
// handed out in increasing order of t (a task may wait for a lower-numbered one that has
// been handed out). Tasks must not depend on which thread runs them. Nested calls (from
// inside a task) and calls while another thread's parallel_for runs execute the tasks inline,
// in order, on the calling thread. Exceptions: once a task throws, tasks above it are not
// started; after the running ones finish, the exception of the lowest task that threw is
// rethrown — the same one a serial loop would throw.
void parallel_for(Index tasks, const std::function<void(Index)>& task, int width = 0);

// True on a pool worker and on a thread inside parallel_for.
bool in_parallel_region();

}  // namespace optdyn
