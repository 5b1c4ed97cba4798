#pragma once
// Exclusive ownership of an output for the whole run, so that two runs never write the same
// files (interleaved rows, a status or manifest describing the other run).
//
// The lock is an advisory flock(2) on a lock file next to what it protects:
//  * an output directory (experiments, optdyn compare/spectrum): DIR/.optdyn.lock;
//  * an output file (optdyn run/flow/eval --out FILE): FILE.lock, which also covers
//    FILE.status.json.
// A second run asking for a held lock is refused at once: InputError "... another optdyn run
// is writing it ..." naming the path (exit 2). Standard output and devices are not locked.
//
// flock is released by the kernel when the process dies in any way, so a crash never leaves
// a stale lock. The lock file is removed on release (and by the SIGINT/SIGTERM handler); to
// make removal safe, acquire() checks after locking that the path still names the file it
// locked, and retries if the previous owner removed it meanwhile. It is opened with
// O_NOFOLLOW, so a planted symlink at the lock name is refused, not followed.
#include <cstddef>
#include <filesystem>
#include <string>

namespace optdyn::harness {

// The name of the lock file that guards a directory.
inline constexpr const char* kDirectoryLockName = ".optdyn.lock";

class OutputLock {
 public:
  OutputLock() = default;
  // Locks `lock_file` on behalf of `what` (the output named in messages).
  OutputLock(const std::filesystem::path& lock_file, const std::string& what);
  OutputLock(OutputLock&&) noexcept;
  OutputLock& operator=(OutputLock&&) noexcept;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  ~OutputLock();

  // Removes the lock file and releases the lock (idempotent).
  void release() noexcept;
  bool held() const { return fd_ >= 0; }

 private:
  friend OutputLock lock_output_file(const std::filesystem::path& file);
  std::filesystem::path path_;
  int fd_ = -1;
  int shared_fd_ = -1;  // the shared lock of the directory's DIR/.optdyn.lock (file outputs)
  std::size_t cleanup_slot_ = static_cast<std::size_t>(-1);
};

// The lock for an output directory.
OutputLock lock_directory(const std::filesystem::path& dir);

// What claim_output_directory found.
struct ClaimedDirectory {
  OutputLock lock;
  bool created = false;      // this run created DIR
  bool started_empty = false;  // DIR held nothing but the lock file
  std::filesystem::path path;
  // A failed run: releases the lock and removes DIR if this run created it and it is empty.
  void abandon() noexcept;
};

// On leaving its scope (a failure or success alike), abandon()s the claim: the lock is
// released and a DIR this run created and left empty is removed (optdyn compare/spectrum).
class ClaimScope {
 public:
  explicit ClaimScope(ClaimedDirectory& claimed) : claimed_(claimed) {}
  ~ClaimScope() { claimed_.abandon(); }
  ClaimScope(const ClaimScope&) = delete;
  ClaimScope& operator=(const ClaimScope&) = delete;

 private:
  ClaimedDirectory& claimed_;
};

// Creates `dir` if needed, locks it, then (lock first, so that two runs cannot both see it
// empty) refuses a non-empty one unless `force`: InputError naming `--out 'DIR'`. On
// refusal a directory this call created is removed again.
ClaimedDirectory claim_output_directory(const std::filesystem::path& dir, bool force);

// Whether `dir` holds nothing but a lock file. Stale temporaries of optdyn runs that were
// killed (NAME.<pid>-<hex>.tmp whose process no longer exists) are removed and not counted.
bool directory_is_empty(const std::filesystem::path& dir);
// Removes from `dir` the temporaries of optdyn runs that no longer exist (see above).
void remove_stale_temporaries(const std::filesystem::path& dir);
// The lock for an output file; not held for "-" (stdout) or an existing non-regular file.
// Refuses a FILE whose name ends in .lock, a FILE.lock that is not an empty regular file,
// and a FILE whose directory is held by another run (DIR/.optdyn.lock, taken shared).
OutputLock lock_output_file(const std::filesystem::path& file);

}  // namespace optdyn::harness
