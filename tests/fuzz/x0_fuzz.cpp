// libFuzzer target for the --x0 reader (lib/src/objectives/initial_point.cpp): arbitrary
// bytes as the content of an x0 file, and as an x0 spec (a number list, `zeros`, or
// `init:...`), must give a point of the objective's dimension or an InputError — never a
// crash, a sanitizer report or another exception. Texts containing '/' are not used as
// specs, so the fuzzer never reads files of the machine; the file path is a memfd.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/quadratic.hpp"

namespace {

const optdyn::Objective& objective() {
  static const auto f = optdyn::make_quadratic({.dim = 3});
  return *f;
}

// The file the reader opens, by a path of this process: /proc/self/fd/N of a memfd (a
// regular file, so it passes the reader's regular-file check).
const std::string& memory_file_path(int& fd) {
  static const int file = memfd_create("x0_fuzz", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(file);
  if (file < 0) std::abort();
  fd = file;
  return path;
}

void read_point(const std::string& spec) {
  try {
    const optdyn::Vec x = optdyn::initial_point(spec, objective());
    if (x.size() != objective().dim()) std::abort();
  } catch (const optdyn::InputError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int fd = -1;
  const std::string& path = memory_file_path(fd);
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) std::abort();
  read_point(path);
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find('/') == std::string::npos) read_point(text);
  return 0;
}
