#include "harness/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "optdyn/core/error.hpp"

namespace optdyn::harness {

std::filesystem::path temporary_path(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  return tmp;
}

void commit_temporary(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::rename(temporary_path(path), path, ec);
  if (ec) throw InputError("cannot rename '" + temporary_path(path).string() + "' to '" + path.string() + "': " + ec.message());
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path tmp = temporary_path(path);
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (!file) throw InputError("cannot write '" + path.string() + "': " + std::strerror(errno));
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::filesystem::remove(tmp);
    throw InputError("cannot write '" + path.string() + "': write failed (disk full?)");
  }
  commit_temporary(path);
}

}  // namespace optdyn::harness
