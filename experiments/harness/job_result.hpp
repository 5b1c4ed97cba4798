#pragma once
// What one job of an experiment hands back to the experiment (harness/experiment.hpp,
// Experiment::run_jobs): rows for its CSV files and named numbers for the experiment to
// combine (maxima of self-checks, counts), and notes for the manifest. Built in the job's process, sent as text, read
// back in the experiment's process bit for bit: doubles travel as hexadecimal floating point
// (%a), so NaN, ±inf and every last bit survive.
//
//   JobResult r;
//   r.row("gradient_ratio.csv", {net, init, gain, depth, ratio});
//   r.set("max_error", e);
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/csv_writer.hpp"

namespace optdyn::harness {

class JobResult {
 public:
  // A row for the CSV `table` (the file name the experiment opened with Experiment::csv).
  void row(const std::string& table, std::vector<CsvCell> cells);
  // A named number (set twice: the second replaces the first).
  void set(const std::string& key, double value);
  // A note for the manifest's results (Experiment::note), applied in job order.
  void note(const std::string& key, std::string text);

  // Rows in the order added, each with its table.
  const std::vector<std::pair<std::string, std::vector<CsvCell>>>& rows() const { return rows_; }
  const std::vector<std::pair<std::string, std::string>>& notes() const { return notes_; }
  // The number named `key`; `fallback` when the job did not set it.
  double get(const std::string& key, double fallback) const;

  std::string encode() const;
  // InputError on text that encode() did not produce.
  static JobResult decode(std::string_view text);

 private:
  std::vector<std::pair<std::string, std::vector<CsvCell>>> rows_;
  std::map<std::string, double> values_;
  std::vector<std::pair<std::string, std::string>> notes_;
};

}  // namespace optdyn::harness
