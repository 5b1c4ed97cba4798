#pragma once
// CSV output with a header row, written to `<file>.tmp` and renamed into place on close():
// a crash never leaves a half-written file under the final name. Numbers are printed with
// %.17g (round-trip exact), so the same computation gives byte-identical files.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace optdyn::harness {

using CsvCell = std::variant<double, long long, std::string>;

class CsvWriter {
 public:
  CsvWriter(std::filesystem::path path, std::vector<std::string> columns);
  CsvWriter(CsvWriter&&) noexcept;
  CsvWriter& operator=(CsvWriter&&) noexcept;
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;
  // Closes (and renames) if still open: rows written so far are kept.
  ~CsvWriter();

  // One row; the number of cells must equal the number of columns.
  void row(const std::vector<CsvCell>& cells);
  // Flushes, closes and renames the temporary file to its final name.
  void close();
  const std::filesystem::path& path() const { return path_; }
  std::size_t rows_written() const { return rows_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temporary_;
  std::FILE* file_ = nullptr;
  std::size_t columns_ = 0;
  std::size_t rows_ = 0;
};

// %.17g, the shortest format that round-trips every double; NaN (of either sign) is
// written "nan", ±infinity "inf" / "-inf".
std::string format_double(double x);

}  // namespace optdyn::harness
