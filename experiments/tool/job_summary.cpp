#include "tool/job_summary.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace optdyn::tool {
namespace fs = std::filesystem;

namespace {

// Larger files are not summarised (a CSV of every parameter at every step can be huge; its
// last row is still found by reading it whole).
constexpr std::uintmax_t kMaxSummaryFileBytes = std::uintmax_t{4} << 30;

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

SummaryFields summarize_job_folder(const fs::path& folder) {
  std::vector<fs::path> status_files, csv_files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    const std::string name = it->path().filename().string();
    if (is_own_file(name) || fs::file_size(it->path(), ec) > kMaxSummaryFileBytes) continue;
    if (name.ends_with(".status.json")) status_files.push_back(it->path());
    else if (name.ends_with(".csv")) csv_files.push_back(it->path());
  }
  std::sort(status_files.begin(), status_files.end());
  std::sort(csv_files.begin(), csv_files.end());
  SummaryFields fields;
  const auto add = [&](const std::vector<fs::path>& files, SummaryFields (*read)(const std::string&)) {
    for (const fs::path& file : files) {
      const std::string prefix = files.size() > 1 ? fs::relative(file, folder).string() + ":" : "";
      for (auto& [key, value] : read(read_file(file))) fields.emplace_back(prefix + key, std::move(value));
    }
  };
  add(status_files, status_fields);
  add(csv_files, final_csv_row);
  return fields;
}

}  // namespace optdyn::tool
