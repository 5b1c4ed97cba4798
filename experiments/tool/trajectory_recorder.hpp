#pragma once
// The CSV rows that `optdyn run` (discrete steps) and `optdyn flow` (record times of an
// integrated flow) share, so that both produce the same columns (doc/design.md, "Observer"):
//
//   <leading…>, loss, grad_norm, <extra…>, [curvature monitor columns], [x0 … x{D−1}]
//
//  * leading: what identifies the row (run: step,evals; flow: t);
//  * loss, grad_norm: the FULL objective F(θ) and ‖∇F(θ)‖₂ at the recorded θ;
//  * extra: command-specific cells computed after the monitor (run: avg_loss,avg_grad_norm);
//  * the monitor columns of analysis::CurvatureMonitor with --monitor (NaN when not due),
//    the tracker's (track_…) included with tracker=on|only;
//  * the parameters with --record-params.
//
// The recorder's own objective evaluations (loss, gradient, monitor) are diagnostics: it
// counts them (recording_counters()) so that a front end can report the cost of the run
// without them. The CSV is opened at the first row (or at close()), so that input errors
// found before any row is written leave no file behind. Output (README, "Guarantees"): the
// recorder locks FILE for the run (FILE.lock, harness/output_lock.hpp), stages the CSV in a
// temporary, and commit() renames it and FILE.status.json into place together; a run that
// fails by an exception leaves both as they were. FILE "-" is standard output (no lock, no
// status file: the exit status says ok or diverged).
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/csv_writer.hpp"
#include "harness/output_lock.hpp"
#include "optdyn/analysis/curvature_monitor.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::tool {

// The most cells one output CSV may have (about 100 GB of text).
inline constexpr double kMaxCsvCells = 1e10;

class TrajectoryRecorder {
 public:
  // `monitor` is the --monitor spec (empty: none); InputError naming its key when bad, or
  // naming 'k' when it cannot run at this dimension. `step_size`: the optimizer's base η
  // (the monitor's tracker_threshold=auto is 1.5/η), none for flows.
  TrajectoryRecorder(const Objective& objective, std::string path, std::vector<std::string> leading,
                     std::vector<std::string> extra, const std::string& monitor, bool record_params,
                     std::optional<double> step_size = std::nullopt);

  const std::vector<std::string>& columns() const { return columns_; }
  bool has_monitor() const { return monitor_.has_value(); }
  // Whether the monitor measures at this step (run) or row index (flow): index % every == 0.
  bool monitor_due(long index) const { return monitor_ && monitor_->due(index); }

  // InputError "<options>: R rows x C columns = N CSV cells, more than the budget … (<advice>)"
  // when `rows` × columns() exceeds kMaxCsvCells.
  void check_budget(double rows, const std::string& options, const std::string& advice) const;

  // Extra cells of a row, given θ and a scratch vector (which holds ∇F(θ) on entry and may
  // be overwritten).
  using ExtraCells = std::function<std::vector<harness::CsvCell>(const Vec& theta, Vec& scratch)>;

  // Writes one row at θ; the monitor measures when `measure` (and θ is finite). Returns F(θ).
  // DivergenceError, writing nothing, when θ, F(θ) or ∇F(θ) is not finite, or the monitor
  // meets non-finite curvature.
  double row(std::vector<harness::CsvCell> leading, const Vec& theta, bool measure, const ExtraCells& extra = {});

  // Opens the CSV first if no row was written (a header-only file) and completes it in its
  // temporary; returns the number of rows written.
  std::size_t close();
  // Writes FILE.status.json (not for stdout) and renames both files into place.
  void commit(const nlohmann::ordered_json& status);
  // Rows written so far, a resumed run's earlier rows included (also before its first new row).
  std::size_t rows() const { return csv_ ? csv_->rows_written() : resume_rows_.value_or(0); }

  // Resumable runs (README, "Checkpoints and resume"), before the first row: every CSV line
  // is also handed to `sink` (the run's journal, harness/run_journal.hpp); and/or the CSV
  // starts with `prefix`, the header and `rows` rows an interrupted run wrote.
  void journal_to(harness::CsvWriter::LineSink sink);
  void resume_from(std::string prefix, std::size_t rows);
  // Saves or restores what the recorder has counted so far (its own evaluations, the
  // monitor's products and measurements) for a checkpoint.
  void archive(StateArchive& a);

  // Objective evaluations made by row() (loss, gradient, monitor products, extra cells).
  const EvaluationCounts& recording_counters() const { return recording_; }

  // Adds "monitor", "monitor_hvps", "monitor_measurements" when a monitor is attached.
  void add_monitor_status(nlohmann::ordered_json& status) const;

 private:
  void open();

  const Objective& f_;
  std::string path_;
  std::size_t leading_ = 0, extra_ = 0;
  bool record_params_ = false;
  std::optional<analysis::CurvatureMonitor> monitor_;
  std::vector<std::string> columns_;
  harness::OutputLock lock_;
  std::optional<harness::CsvWriter> csv_;
  harness::CsvWriter::LineSink sink_;
  std::string resume_prefix_;
  std::optional<std::size_t> resume_rows_;
  std::optional<harness::OutputFile> status_file_;  // FILE.status.json (none when written in place)
  EvaluationCounts recording_;
  Vec gradient_;
};

}  // namespace optdyn::tool
