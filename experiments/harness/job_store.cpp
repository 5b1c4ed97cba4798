#include "harness/job_store.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "harness/output_file.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::harness {
namespace fs = std::filesystem;

namespace {

std::string read_regular_file(const fs::path& path) {
  std::error_code ec;
  if (fs::symlink_status(path, ec).type() != fs::file_type::regular) return {};
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string job_file_name(std::size_t call, std::size_t job) {
  char name[64];
  std::snprintf(name, sizeof name, "%zu-%06zu.json", call, job);
  return name;
}

}  // namespace

JobStore::JobStore(fs::path dir, nlohmann::ordered_json identity)
    : folder_(std::move(dir) / kJobStoreName), identity_(std::move(identity)) {}

bool JobStore::exists() const {
  std::error_code ec;
  return fs::symlink_status(folder_, ec).type() == fs::file_type::directory;
}

void JobStore::check_resumable() const {
  const std::string text = read_regular_file(folder_ / "identity.json");
  if (!exists() || text.empty())
    throw InputError("--resume: '" + folder_.parent_path().string() + "' holds no interrupted run of this experiment (no " +
                     kJobStoreName + "/identity.json)");
  const auto old = nlohmann::ordered_json::parse(text, nullptr, false);
  if (old.is_discarded() || !old.is_object())
    throw InputError("--resume: '" + (folder_ / "identity.json").string() + "' is not an identity file");
  for (const auto& [key, value] : identity_.items()) {
    if (old.contains(key) && old[key] == value) continue;
    std::string where = key, detail;  // an object (the parameters): its first differing key, then and now
    if (old.contains(key) && old[key].is_object() && value.is_object())
      for (const auto& [name, now] : value.items())
        if (!old[key].contains(name) || old[key][name] != now) {
          where = name;
          detail = ": " + (old[key].contains(name) ? old[key][name].dump() : std::string("unset")) + " then, " +
                   now.dump() + " now";
          break;
        }
    throw InputError("--resume: the interrupted run in '" + folder_.parent_path().string() + "' differs in '" + where +
                     "'" + detail + " (same experiment, seed, scale, parameters and build needed)");
  }
}

void JobStore::open() {
  if (opened_) return;
  std::error_code ec;
  if (!exists()) {
    fs::create_directory(folder_, ec);
    if (ec) throw InputError("cannot create '" + folder_.string() + "': " + ec.message());
  }
  if (read_regular_file(folder_ / "identity.json").empty())
    write_file_atomically(folder_ / "identity.json", identity_.dump(2) + "\n");
  opened_ = true;
}

std::optional<std::string> JobStore::load(std::size_t call, std::size_t job) const {
  std::string text = read_regular_file(folder_ / job_file_name(call, job));
  if (text.empty()) return std::nullopt;
  return text;
}

void JobStore::save(std::size_t call, std::size_t job, const std::string& result) {
  open();
  write_file_atomically(folder_ / job_file_name(call, job), result);
}

void JobStore::remove() noexcept {
  std::error_code ec;
  if (exists()) fs::remove_all(folder_, ec);
}

}  // namespace optdyn::harness
