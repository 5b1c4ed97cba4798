#include "tool/trajectory_recorder.hpp"

#include <cmath>

#include "harness/output_file.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn::tool {

TrajectoryRecorder::TrajectoryRecorder(const Objective& objective, std::string path, std::vector<std::string> leading,
                                       std::vector<std::string> extra, const std::string& monitor, bool record_params,
                                       std::optional<double> step_size)
    : f_(objective), path_(std::move(path)), leading_(leading.size()), extra_(extra.size()), record_params_(record_params) {
  if (path_.empty()) throw InputError("--out: empty path");
  lock_ = harness::lock_output_file(path_);
  // The status file's temporary is created now, before the run: a bad name (a link, a pipe, a
  // name too long) is refused at once, never after the CSV was committed. A device or pipe
  // as the output (written in place) gets no status file, like stdout.
  if (!harness::written_in_place(path_)) status_file_.emplace(path_ + ".status.json", false);
  if (!monitor.empty()) {
    monitor_.emplace(monitor, step_size);
    monitor_->check_dimension(f_.dim());
  }
  columns_ = std::move(leading);
  columns_.insert(columns_.end(), {"loss", "grad_norm"});
  columns_.insert(columns_.end(), extra.begin(), extra.end());
  if (monitor_) {
    const std::vector<std::string> names = monitor_->column_names();
    columns_.insert(columns_.end(), names.begin(), names.end());
  }
  if (record_params_)
    for (Index i = 0; i < f_.dim(); ++i) columns_.push_back("x" + std::to_string(i));
}

void TrajectoryRecorder::check_budget(double rows, const std::string& options, const std::string& advice) const {
  const double cells = rows * static_cast<double>(columns_.size());
  if (cells > kMaxCsvCells || !std::isfinite(cells))
    throw InputError(options + ": " + format_number(rows, 4) + " rows x " + std::to_string(columns_.size()) +
                     " columns = " + format_number(cells, 4) + " CSV cells, more than the budget of " +
                     format_number(kMaxCsvCells, 4) + " (" + advice + ")");
}

void TrajectoryRecorder::open() {
  if (csv_) return;
  std::optional<harness::CsvWriter::Resume> resume;
  if (resume_rows_) resume = harness::CsvWriter::Resume{resume_prefix_, *resume_rows_};
  csv_.emplace(path_, columns_, sink_, resume);
  resume_prefix_.clear();
  resume_prefix_.shrink_to_fit();
}

void TrajectoryRecorder::journal_to(harness::CsvWriter::LineSink sink) {
  if (csv_) throw std::logic_error("TrajectoryRecorder::journal_to after the first row");
  sink_ = std::move(sink);
}

void TrajectoryRecorder::resume_from(std::string prefix, std::size_t rows) {
  if (csv_) throw std::logic_error("TrajectoryRecorder::resume_from after the first row");
  resume_prefix_ = std::move(prefix);
  resume_rows_ = rows;
}

void TrajectoryRecorder::archive(StateArchive& a) {
  a.scope("recording", [&] { archive_counts(a, recording_); });
  a.constant("monitors", std::int64_t{monitor_ ? 1 : 0});
  if (monitor_) a.scope("monitor", [&] { monitor_->archive(a); });
}

double TrajectoryRecorder::row(std::vector<harness::CsvCell> leading, const Vec& theta, bool measure,
                             const ExtraCells& extra) {
  if (leading.size() != leading_) throw std::logic_error("TrajectoryRecorder: wrong number of leading cells");
  const EvaluationCounts before = f_.counters();
  std::vector<harness::CsvCell> row = std::move(leading);
  const double loss = f_.value_and_gradient(theta, gradient_);
  // A row holds finite numbers only: a point whose F or ∇F is not finite is where the run
  // diverged (core/error.hpp); the caller keeps the rows before it.
  if (!theta.allFinite()) throw DivergenceError("recorded point: non-finite parameters");
  if (!std::isfinite(loss)) throw DivergenceError("recorded point: non-finite loss (" + non_finite_name(loss) + ")");
  const double grad_norm = gradient_.norm();
  if (!std::isfinite(grad_norm)) throw DivergenceError("recorded point: non-finite gradient norm");
  row.emplace_back(loss);
  row.emplace_back(grad_norm);
  // The monitor reuses ∇F(θ) before the extra cells may overwrite the scratch vector.
  std::vector<double> monitor_cells;
  if (monitor_) monitor_cells = monitor_->cells(f_, theta, measure, &gradient_);
  if (extra_ > 0) {
    std::vector<harness::CsvCell> cells = extra(theta, gradient_);
    if (cells.size() != extra_) throw std::logic_error("TrajectoryRecorder: wrong number of extra cells");
    row.insert(row.end(), cells.begin(), cells.end());
  }
  for (double cell : monitor_cells) row.emplace_back(cell);
  if (record_params_)
    for (Index i = 0; i < theta.size(); ++i) row.emplace_back(theta[i]);
  recording_ += f_.counters() - before;
  open();
  csv_->row(row);
  return loss;
}

std::size_t TrajectoryRecorder::close() {
  open();
  const std::size_t rows = csv_->rows_written();
  csv_->stage();
  return rows;
}

void TrajectoryRecorder::commit(const nlohmann::ordered_json& status) {
  close();
  if (!status_file_) {
    csv_->commit();
    return;
  }
  // Both complete and both final names checked before either is renamed (a full disk or a
  // refused name changes neither); signals are blocked from the checks to the last rename.
  status_file_->write(status.dump(2) + "\n");
  harness::commit_all({&csv_->file(), &*status_file_});
  lock_.release();
}

void TrajectoryRecorder::add_monitor_status(nlohmann::ordered_json& status) const {
  if (!monitor_) return;
  status["monitor"] = monitor_->spec();
  status["monitor_hvps"] = monitor_->hvps();
  status["monitor_measurements"] = monitor_->measurements();
}


}  // namespace optdyn::tool
