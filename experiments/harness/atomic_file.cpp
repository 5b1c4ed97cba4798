#include "harness/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "optdyn/core/error.hpp"

namespace optdyn::harness {
namespace fs = std::filesystem;

namespace {
// A target that exists and is not a regular file: written in place, never renamed over.
bool is_special(const fs::path& target) {
  std::error_code ec;
  const fs::file_status status = fs::status(target, ec);
  return !ec && fs::exists(status) && !fs::is_regular_file(status);
}
}  // namespace

fs::path output_target(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError("cannot write '" + path.string() + "': is a directory");
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    const fs::path resolved = fs::weakly_canonical(path, ec);
    if (!ec) return resolved;
  }
  return path;
}

fs::path temporary_path(const fs::path& path) {
  fs::path target = output_target(path);
  if (is_special(target)) return target;
  target += ".tmp";
  return target;
}

void commit_temporary(const fs::path& path) {
  const fs::path target = output_target(path);
  const fs::path tmp = temporary_path(path);
  if (tmp == target) return;  // written in place (device or pipe)
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError("cannot write '" + path.string() + "': " + ec.message());
  }
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  const fs::path tmp = temporary_path(path);
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (!file) throw InputError("cannot write '" + path.string() + "': " + std::strerror(errno));
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::error_code ec;
    if (tmp != output_target(path)) fs::remove(tmp, ec);
    throw InputError("cannot write '" + path.string() + "': write failed (disk full?)");
  }
  commit_temporary(path);
}

}  // namespace optdyn::harness
