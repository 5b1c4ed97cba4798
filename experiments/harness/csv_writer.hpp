#pragma once
// CSV output with a header row, staged through harness::OutputFile (a unique temporary
// renamed into place on close(), or stdout for "-"): a crash or a failed run never leaves a
// half-written file under the final name. Numbers are printed with %.17g (round-trip
// exact), so the same computation gives byte-identical files.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/output_file.hpp"

namespace optdyn::harness {

using CsvCell = std::variant<double, long long, std::string>;

class CsvWriter {
 public:
  // Every line written (the header first) is also handed to the sink: a run's journal
  // (harness/run_journal.hpp), from which an interrupted run resumes.
  using LineSink = std::function<void(std::string_view line)>;
  // Resuming an interrupted run: the file starts with `prefix`, the header and `rows` rows
  // exactly as an earlier writer of the same columns wrote them, instead of the header (not
  // handed to the sink again). InputError when the prefix does not start with the header.
  struct Resume {
    std::string_view prefix;
    std::size_t rows = 0;
  };

  CsvWriter(std::filesystem::path path, std::vector<std::string> columns, LineSink sink = {},
            std::optional<Resume> resume = std::nullopt);
  CsvWriter(CsvWriter&&) noexcept;
  CsvWriter& operator=(CsvWriter&&) noexcept;
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;
  // Discards the file unless close() or commit() ran: a run that fails by an exception
  // leaves the final name as it was.
  ~CsvWriter();

  // One row; the number of cells must equal the number of columns.
  void row(const std::vector<CsvCell>& cells);
  // Flushes, closes and renames the temporary file to its final name (stage() + commit()).
  void close();
  // Flushes, fsyncs and closes the temporary without renaming it: the complete bytes are in
  // staged_path() (e.g. to be hashed before a set of files is committed together).
  void stage();
  // Renames the staged file into place (stage() first if needed).
  void commit();
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& staged_path() const { return file_.staged_path(); }
  std::size_t rows_written() const { return rows_; }
  // The staged file, e.g. for harness::commit_all.
  OutputFile& file() { return file_; }

 private:
  void write(const std::string& line);

  std::filesystem::path path_;
  OutputFile file_;
  LineSink sink_;
  bool open_ = true;
  std::size_t columns_ = 0;
  std::size_t rows_ = 0;
};

// %.17g, the shortest format that round-trips every double; NaN (of either sign) is
// written "nan", ±infinity "inf" / "-inf".
std::string format_double(double x);

}  // namespace optdyn::harness
