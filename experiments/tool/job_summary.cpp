#include "tool/job_summary.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace optdyn::tool {
namespace fs = std::filesystem;

namespace {

// Larger status files are not summarised (a CSV is, from its first and last lines only).
constexpr std::uintmax_t kMaxSummaryFileBytes = std::uintmax_t{64} << 20;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// RFC 4180 records: fields separated by commas, records by "\n" (or "\r\n"); a quoted field
// may hold commas, line breaks and doubled quotes.
std::vector<std::vector<std::string>> csv_records(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true, any = true;
    } else if (c == ',') {
      record.push_back(std::move(field)), field.clear(), any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) record.push_back(std::move(field));
      if (!record.empty()) records.push_back(std::move(record));
      record.clear(), field.clear(), any = false;
    } else {
      field += c, any = true;
    }
  }
  if (any || !field.empty()) record.push_back(std::move(field));
  if (!record.empty()) records.push_back(std::move(record));
  return records;
}

std::string scalar_text(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();  // numbers (shortest round-trip), booleans, null
}

SummaryFields status_fields(const std::string& text) {
  SummaryFields fields;
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fields;
  for (const auto& [key, value] : j.items()) {
    if (value.is_object()) {
      for (const auto& [inner, v] : value.items())
        if (!v.is_structured()) fields.emplace_back(key + "." + inner, scalar_text(v));
    } else if (!value.is_array()) {
      fields.emplace_back(key, scalar_text(value));
    }
  }
  return fields;
}

bool is_own_file(const std::string& name) {
  return name == "job.json" || name == "stdout.txt" || name == "stderr.txt" || name.ends_with(".lock") ||
         name.ends_with(".tmp") || name.find(".checkpoint.") != std::string::npos;
}

}  // namespace

SummaryFields final_csv_row(const std::string& text) {
  const auto records = csv_records(text);
  SummaryFields fields;
  if (records.size() < 2) return fields;
  const auto& header = records.front();
  const auto& last = records.back();
  for (std::size_t i = 0; i < header.size() && i < last.size(); ++i) fields.emplace_back("final_" + header[i], last[i]);
  return fields;
}

namespace {

// The header and the last record of a CSV file, without reading the rows between: the first
// line, and the file's tail from the last line break that is not inside a quoted cell (a
// record of the tail with an even number of quotes before it is whole). A file whose last
// record is longer than the tail read is read whole.
std::string csv_header_and_last_row(const fs::path& path) {
  constexpr std::uintmax_t kTail = 1 << 20;
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec || size <= 2 * kTail) return read_file(path);
  std::ifstream in(path, std::ios::binary);
  std::string header;
  std::getline(in, header);
  std::string tail(kTail, '\0');
  in.seekg(static_cast<std::streamoff>(size - kTail));
  in.read(tail.data(), static_cast<std::streamsize>(kTail));
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  const std::size_t cut = tail.rfind('\n');
  if (cut == std::string::npos || std::count(tail.begin() + static_cast<std::ptrdiff_t>(cut), tail.end(), '"') % 2 != 0 ||
      std::count(header.begin(), header.end(), '"') % 2 != 0)
    return read_file(path);  // a quoted line break near the end: parse everything
  return header + "\n" + tail.substr(cut + 1) + "\n";
}

}  // namespace

SummaryFields summarize_job_folder(const fs::path& folder) {
  std::vector<fs::path> status_files, csv_files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    const std::string name = it->path().filename().string();
    if (is_own_file(name)) continue;
    if (name.ends_with(".status.json") && fs::file_size(it->path(), ec) <= kMaxSummaryFileBytes)
      status_files.push_back(it->path());
    else if (name.ends_with(".csv")) csv_files.push_back(it->path());
  }
  std::sort(status_files.begin(), status_files.end());
  std::sort(csv_files.begin(), csv_files.end());
  SummaryFields fields;
  // Each file's fields, prefixed with its path when its kind comes in more than one file.
  const auto add = [&](const std::vector<fs::path>& files, const auto& read) {
    for (const fs::path& file : files) {
      const std::string prefix = files.size() > 1 ? fs::relative(file, folder).string() + ":" : "";
      for (auto& [key, value] : read(file)) fields.emplace_back(prefix + key, std::move(value));
    }
  };
  add(status_files, [](const fs::path& f) { return status_fields(read_file(f)); });
  add(csv_files, [](const fs::path& f) { return final_csv_row(csv_header_and_last_row(f)); });
  return fields;
}

}  // namespace optdyn::tool
