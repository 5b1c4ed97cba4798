#pragma once
// Progress of a long loop on stderr: count, percentage, rate and ETA, redrawn in place at
// most five times a second. Only when stderr is a terminal (isatty); silent otherwise, so
// logs, pipes and CI output stay clean. OPTDYN_PROGRESS=1 / =0 forces it on / off.
//
//   harness::Progress progress("depth sweep", depths.size());
//   for (...) { ...; progress.advance(); }
//   // the destructor (or finish()) ends the line
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

namespace optdyn::harness {

class Progress {
 public:
  // total == 0: unknown total (no percentage, no ETA).
  Progress(std::string label, std::uint64_t total);
  // For tests: an explicit sink and on/off instead of isatty(stderr).
  Progress(std::string label, std::uint64_t total, std::FILE* sink, bool enabled);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();

  void advance(std::uint64_t steps = 1);
  // Changes what the line says before the counts (e.g. "sweep, 2 failed").
  void set_label(std::string label) { label_ = std::move(label); }
  // Draws the final state and ends the line (idempotent).
  void finish();

  bool enabled() const { return enabled_; }
  std::uint64_t done() const { return done_; }
  // The line that would be drawn now (without the carriage return).
  std::string status_line() const;

 private:
  using Clock = std::chrono::steady_clock;
  void draw();

  std::string label_;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  std::FILE* sink_ = nullptr;
  bool enabled_ = false;
  bool finished_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

// Whether progress output goes to stderr (terminal, or forced by OPTDYN_PROGRESS).
bool progress_enabled_by_default();

}  // namespace optdyn::harness
