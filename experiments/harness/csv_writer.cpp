#include "harness/csv_writer.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn::harness {
namespace {

// RFC 4180 quoting: a cell containing a comma, a quote or a line break is quoted, with
// inner quotes doubled. Numbers never need it.
void append_text(std::string& line, const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    line += text;
    return;
  }
  line += '"';
  for (char c : text) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

}  // namespace

std::string format_double(double x) {
  // printf gives "-nan" for a NaN with the sign bit set (e.g. 0·(−inf)); pandas, numpy and
  // R read "nan", "inf" and "-inf".
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return format_number(x);
}

CsvWriter::CsvWriter(std::filesystem::path path, std::vector<std::string> columns, LineSink sink,
                     std::optional<Resume> resume)
    : path_(std::move(path)), file_(path_), sink_(std::move(sink)), columns_(columns.size()) {
  if (columns.empty()) throw std::invalid_argument("CsvWriter '" + path_.string() + "': no columns");
  std::string header;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) header += ',';
    append_text(header, columns[i]);
  }
  header += '\n';
  if (!resume) {
    write(header);
    return;
  }
  if (!resume->prefix.starts_with(header))
    throw InputError("resume: the rows written so far do not start with this run's header (" +
                     output_name(path_) + ")");
  file_.write(resume->prefix);
  rows_ = resume->rows;
}

void CsvWriter::write(const std::string& line) {
  file_.write(line);
  if (sink_) sink_(line);
}

CsvWriter::CsvWriter(CsvWriter&& other) noexcept
    : path_(std::move(other.path_)),
      file_(std::move(other.file_)),
      sink_(std::move(other.sink_)),
      open_(std::exchange(other.open_, false)),
      columns_(other.columns_),
      rows_(other.rows_) {}

CsvWriter& CsvWriter::operator=(CsvWriter&& other) noexcept {
  if (this != &other) {
    path_ = std::move(other.path_);
    file_ = std::move(other.file_);  // discards this writer's uncommitted file
    sink_ = std::move(other.sink_);
    open_ = std::exchange(other.open_, false);
    columns_ = other.columns_;
    rows_ = other.rows_;
  }
  return *this;
}

CsvWriter::~CsvWriter() = default;  // OutputFile discards an uncommitted temporary

void CsvWriter::row(const std::vector<CsvCell>& cells) {
  if (!open_) throw std::logic_error("CsvWriter '" + path_.string() + "': row() after close()");
  if (cells.size() != columns_)
    throw std::invalid_argument("CsvWriter '" + path_.string() + "': row has " + std::to_string(cells.size()) +
                                " cells, header has " + std::to_string(columns_));
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    if (const double* x = std::get_if<double>(&cells[i]))
      line += format_double(*x);
    else if (const long long* n = std::get_if<long long>(&cells[i]))
      line += std::to_string(*n);
    else
      append_text(line, std::get<std::string>(cells[i]));
  }
  line += '\n';
  write(line);
  ++rows_;
}

void CsvWriter::stage() {
  open_ = false;
  file_.finish();
}

void CsvWriter::commit() {
  open_ = false;
  file_.commit();
}

void CsvWriter::close() { commit(); }

}  // namespace optdyn::harness
