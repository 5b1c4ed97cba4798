#include "harness/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace optdyn::harness {
namespace {

std::string format_duration(double seconds) {
  char buffer[64];
  if (!std::isfinite(seconds)) return "?";
  const long s = std::lround(seconds);
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%lds", s);
  return buffer;
}

}  // namespace

bool progress_enabled_by_default() {
  if (const char* forced = std::getenv("OPTDYN_PROGRESS")) return std::strcmp(forced, "0") != 0;
  return ::isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::string label, std::uint64_t total)
    : Progress(std::move(label), total, stderr, progress_enabled_by_default()) {}

Progress::Progress(std::string label, std::uint64_t total, std::FILE* sink, bool enabled)
    : label_(std::move(label)), total_(total), sink_(sink), enabled_(enabled && sink != nullptr),
      start_(Clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(std::uint64_t steps) {
  done_ += steps;
  if (!enabled_ || finished_) return;
  const auto now = Clock::now();
  if (now - last_draw_ >= std::chrono::milliseconds(200) || (total_ > 0 && done_ >= total_)) {
    last_draw_ = now;
    draw();
  }
}

std::string Progress::status_line() const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  char buffer[256];
  if (total_ > 0) {
    const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
    const double eta = rate > 0 && done_ < total_ ? static_cast<double>(total_ - done_) / rate : 0.0;
    std::snprintf(buffer, sizeof buffer, "%s: %llu/%llu (%.0f%%)  %.3g/s  elapsed %s  ETA %s", label_.c_str(),
                  static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_), 100 * fraction,
                  rate, format_duration(elapsed).c_str(), rate > 0 ? format_duration(eta).c_str() : "?");
  } else {
    std::snprintf(buffer, sizeof buffer, "%s: %llu  %.3g/s  elapsed %s", label_.c_str(),
                  static_cast<unsigned long long>(done_), rate, format_duration(elapsed).c_str());
  }
  return buffer;
}

void Progress::draw() {
  // "\r" returns to the start of the line, "\033[K" clears what a longer line left behind.
  std::fprintf(sink_, "\r%s\033[K", status_line().c_str());
  std::fflush(sink_);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  draw();
  std::fputc('\n', sink_);
  std::fflush(sink_);
}

}  // namespace optdyn::harness
