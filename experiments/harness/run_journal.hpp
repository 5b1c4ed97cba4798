#pragma once
// The journal of a resumable run (README, "Checkpoints and resume"): an append-only file
// beside the output that holds exactly the CSV bytes the run has written so far. A
// checkpoint records how many journal bytes it covers (and their sha256); a resumed run
// truncates the journal to that length — rows written after the checkpoint are dropped and
// will be written again, identically — and starts its new CSV with those bytes.
//
// Appending costs one buffered write per row; sync() (at each checkpoint) flushes and
// fsyncs, so a checkpoint never points past what is on disk, whatever kills the process.
// The journal is opened with O_NOFOLLOW (a symbolic link is refused, as for every output)
// and is not removed by SIGINT/SIGTERM: it is what the next run resumes from.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "harness/sha256.hpp"

namespace optdyn::harness {

class RunJournal {
 public:
  // Opens `path` for appending, creating it, after truncating it to `keep_bytes` (0 for a
  // fresh run). InputError naming the path when it is a symlink, not a regular file, shorter
  // than keep_bytes, or cannot be written.
  RunJournal(std::filesystem::path path, std::uint64_t keep_bytes);
  RunJournal(const RunJournal&) = delete;
  RunJournal& operator=(const RunJournal&) = delete;
  ~RunJournal();

  void append(std::string_view bytes);
  // Flushes and fsyncs; returns the journal's length in bytes.
  std::uint64_t sync();
  // The sha256 of every byte in the journal (kept as it grows: a checkpoint costs no re-read).
  std::string sha256() const;
  // Closes and deletes the file (after the run's outputs were committed).
  void remove();

  const std::filesystem::path& path() const { return path_; }

  // The first `bytes` bytes of the journal at `path`; InputError naming it when it is
  // missing, not a regular file, or shorter.
  static std::string read_prefix(const std::filesystem::path& path, std::uint64_t bytes);

 private:
  void flush();
  [[noreturn]] void fail(const std::string& what, int error) const;

  std::filesystem::path path_;
  std::string buffer_;
  Sha256 hash_;
  std::uint64_t size_ = 0;
  int fd_ = -1;
};

}  // namespace optdyn::harness
