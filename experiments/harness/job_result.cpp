#include "harness/job_result.hpp"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "optdyn/core/error.hpp"

namespace optdyn::harness {

namespace {

using nlohmann::json;

// A double as exact text: "%a" (hexadecimal), which strtod reads back to the same bits.
std::string exact(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%a", x);
  return buffer;
}

double from_exact(const std::string& text) {
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') throw InputError("job result: '" + text + "' is not a number");
  return x;
}

// Cells as JSON: {"d": "<%a>"} a double, {"i": n} an integer, {"s": "..."} a string.
json cell_json(const CsvCell& c) {
  if (const double* d = std::get_if<double>(&c)) return {{"d", exact(*d)}};
  if (const long long* i = std::get_if<long long>(&c)) return {{"i", *i}};
  return {{"s", std::get<std::string>(c)}};
}

CsvCell cell_from(const json& j) {
  if (j.contains("d")) return from_exact(j["d"].get<std::string>());
  if (j.contains("i")) return j["i"].get<long long>();
  return j.at("s").get<std::string>();
}

}  // namespace

void JobResult::row(const std::string& table, std::vector<CsvCell> cells) { rows_.emplace_back(table, std::move(cells)); }

void JobResult::set(const std::string& key, double value) { values_[key] = value; }

void JobResult::note(const std::string& key, std::string text) { notes_.emplace_back(key, std::move(text)); }

double JobResult::get(const std::string& key, double fallback) const {
  const auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

std::string JobResult::encode() const {
  json rows = json::array();
  for (const auto& [table, cells] : rows_) {
    json r = json::array();
    for (const CsvCell& c : cells) r.push_back(cell_json(c));
    rows.push_back({{"table", table}, {"cells", r}});
  }
  json values = json::object();
  for (const auto& [key, value] : values_) values[key] = exact(value);
  json notes = json::array();
  for (const auto& [key, text] : notes_) notes.push_back({key, text});
  return json{{"rows", rows}, {"values", values}, {"notes", notes}}.dump();
}

JobResult JobResult::decode(std::string_view text) {
  JobResult r;
  try {
    const json j = json::parse(text);
    for (const json& row : j.at("rows")) {
      std::vector<CsvCell> cells;
      for (const json& c : row.at("cells")) cells.push_back(cell_from(c));
      r.rows_.emplace_back(row.at("table").get<std::string>(), std::move(cells));
    }
    for (const auto& [key, value] : j.at("values").items()) r.values_[key] = from_exact(value.get<std::string>());
    for (const json& n : j.at("notes")) r.notes_.emplace_back(n.at(0).get<std::string>(), n.at(1).get<std::string>());
  } catch (const json::exception& e) {
    throw InputError(std::string("job result: ") + e.what());
  }
  return r;
}

}  // namespace optdyn::harness
