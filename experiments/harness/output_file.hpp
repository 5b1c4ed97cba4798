#pragma once
// The one way every optdyn output is written (CSV files, status files, manifests, JSON
// summaries, stdout). See README, "Guarantees".
//
//  * A regular file is staged in a temporary created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW)
//    in the target's own directory under a unique name `<name>.<pid>-<random>.tmp`, so no
//    planted file or symlink is ever opened or followed; commit() fsyncs it, renames it over
//    the final name (atomic within a file system) and fsyncs the directory. Until commit()
//    the final name keeps its old content; a file destroyed without commit() is removed
//    (RAII), and SIGINT/SIGTERM remove it too (harness/signal_cleanup.hpp).
//  * A final name that is a symbolic link is REFUSED (InputError naming it): replacing the
//    link would surprise, following it lets whoever planted the link choose which file gets
//    overwritten. Exception: a name that exists and is not a regular file — a device such
//    as /dev/null, a named pipe, or a link to one such as /dev/stdout — is written in place,
//    never replaced (nothing can be destroyed there).
//  * "-" is standard output.
//  * Every write, fsync and close is checked. Any failure, e.g. ENOSPC or EDQUOT, is an
//    InputError "cannot write 'PATH': <reason>" (exit status 2, README "Guarantees"): the
//    disk, not the program, is at fault.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <vector>
#include <string>
#include <string_view>

namespace optdyn::harness {

class OutputFile {
 public:
  // Opens the temporary (or the device, or stdout). InputError naming `path` when it is a
  // directory, a symlink to a regular file, or its directory cannot be written.
  // With `allow_in_place` false (status files, manifests, the files of an output directory),
  // an existing final name that is not a regular file (a device, a named pipe, a socket, or a
  // link to one) is refused too, never opened: only the main output of a command may be a
  // device or a pipe.
  explicit OutputFile(std::filesystem::path path, bool allow_in_place = true);
  OutputFile(OutputFile&&) noexcept;
  OutputFile& operator=(OutputFile&&) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  // Discards the temporary unless commit() succeeded.
  ~OutputFile();

  // Buffered; InputError naming the path on a failed write.
  void write(std::string_view bytes);
  // Flushes, fsyncs and closes; the bytes are then complete in staged_path() but not yet
  // under the final name. Idempotent.
  void finish();
  // finish(), then renames the temporary over the final name and fsyncs the directory.
  // InputError if the final name became a symlink meanwhile. Idempotent.
  void commit();
  // InputError naming the path unless commit() can replace the final name: it must not be a
  // symbolic link, nor exist as anything but a regular file. No-op when written in place.
  void check_final() const;
  // Removes the temporary (no-op for stdout and devices, and after commit).
  void discard() noexcept;

  const std::filesystem::path& path() const { return path_; }
  // Where the bytes are before commit(): the temporary, or the target itself when written in place.
  const std::filesystem::path& staged_path() const { return staged_; }
  // Standard output or a device/pipe: no temporary, commit() only flushes.
  bool in_place() const { return in_place_; }
  bool committed() const { return committed_; }

 private:
  void flush();
  [[noreturn]] void fail(const std::string& what, int error);

  std::filesystem::path path_;
  std::filesystem::path staged_;
  std::string buffer_;
  int fd_ = -1;
  bool in_place_ = false;
  bool allow_in_place_ = true;
  bool owns_fd_ = true;  // false for stdout: never closed
  bool finished_ = false;
  bool committed_ = false;
  std::size_t cleanup_slot_ = static_cast<std::size_t>(-1);
};

// Commits several files as one result: finish() of each, check_final() of EVERY file before
// the first rename (so that a refusal changes nothing), then `before_renames` (if any) and the
// renames in the order given, all with SIGINT/SIGTERM/SIGHUP blocked (harness/signal_block.hpp):
// an interrupt is delivered after the last rename, never between two.
void commit_all(const std::vector<OutputFile*>& files, const std::function<void()>& before_renames = {});

// InputError naming `path` when it is a symbolic link or exists and is not a regular file
// (the files of a result that are replaced by renames).
void check_replaceable(const std::filesystem::path& path);

// Whether an output to `path` is written in place: standard output, or an existing device or
// named pipe (also through a link, as /dev/stdout). Such an output has no lock, no temporary
// and no status file.
bool written_in_place(const std::filesystem::path& path);

// Writes every byte to `fd`, retrying short writes and EINTR; 0, or the errno that stopped it.
int write_all(int fd, std::string_view bytes);

// Whether `path` names standard output ("-", or /dev/stdout).
bool is_stdout(const std::filesystem::path& path);

// The display name of an output in messages: the path, or "-" (standard output).
std::string output_name(const std::filesystem::path& path);

// A rank > 0 of a data-parallel job (harness/data_parallel.hpp) writes nothing: its rank 0
// writes every output. After discard_outputs() every OutputFile writes to /dev/null (in place,
// as a device: no temporary, no rename), commit_all skips its before_renames, and no output is
// locked and no directory created (output_lock.hpp). The process takes the same decisions
// (paths, in-place outputs, status files) as rank 0, it only leaves no trace.
void discard_outputs();
bool outputs_discarded();
// Writes `content` through an OutputFile and commits it.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// fsync of a directory, so that a rename into it survives a crash. Failures are ignored
// where the file system cannot sync directories (EINVAL).
void sync_directory(const std::filesystem::path& dir);

}  // namespace optdyn::harness
