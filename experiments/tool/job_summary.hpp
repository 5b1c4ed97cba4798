#pragma once
// What `optdyn sweep` puts in its long-format table for one job (README, "Sweeps"): the
// scalar fields of the status files the job's command wrote, and the final row of its CSVs.
//
//  * FILE.status.json: every top-level number, string and boolean under its own name; the
//    fields of a nested object as "object.field" (arrays are left out).
//  * FILE (CSV with a header row): the last row, each column as "final_<column>".
//  * When the job wrote more than one status file or more than one CSV, every name is
//    prefixed with the file's path inside the job's folder and ':' (e.g. "a.csv:final_loss").
//  * The job's own files (job.json, stdout.txt, stderr.txt), locks, temporaries and
//    checkpoints are not read. Files are read in sorted path order, so the columns do not
//    depend on the file system's listing order.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace optdyn::tool {

using SummaryFields = std::vector<std::pair<std::string, std::string>>;

SummaryFields summarize_job_folder(const std::filesystem::path& folder);

// The fields of the last record of a CSV text with a header row (RFC 4180 quoting), as
// "final_<column>" → cell; empty when there is no data row.
SummaryFields final_csv_row(const std::string& text);

}  // namespace optdyn::tool
