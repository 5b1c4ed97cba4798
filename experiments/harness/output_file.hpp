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
#include <string>
#include <string_view>

namespace optdyn::harness {

class OutputFile {
 public:
  // Opens the temporary (or the device, or stdout). InputError naming `path` when it is a
  // directory, a symlink to a regular file, or its directory cannot be written.
  explicit OutputFile(std::filesystem::path path);
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
  bool owns_fd_ = true;  // false for stdout: never closed
  bool finished_ = false;
  bool committed_ = false;
  std::size_t cleanup_slot_ = static_cast<std::size_t>(-1);
};

// Whether `path` names standard output ("-").
bool is_stdout(const std::filesystem::path& path);

// The display name of an output in messages: the path, or "-" (standard output).
std::string output_name(const std::filesystem::path& path);

// Writes `content` through an OutputFile and commits it.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// fsync of a directory, so that a rename into it survives a crash. Failures are ignored
// where the file system cannot sync directories (EINVAL).
void sync_directory(const std::filesystem::path& dir);

}  // namespace optdyn::harness
