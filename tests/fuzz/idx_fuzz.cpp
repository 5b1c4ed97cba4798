// libFuzzer target for the IDX reader: arbitrary bytes must give either a parsed array or
// an InputError — never a crash, a sanitizer report, a leak or an unbounded allocation.
// Each input goes through both entry points:
//   1. parse_idx on the bytes in memory;
//   2. read_maybe_gzip_fd + parse_idx on a memfd holding the bytes, i.e. the zlib path of
//      read_idx_file (gzip inflation when the bytes start with the gzip magic 1f 8b,
//      transparent pass-through otherwise).
// The cap is lowered to 1 MiB so that a gzip bomb is rejected quickly. See README.md.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "optdyn/core/error.hpp"
#include "optdyn/data/idx_reader.hpp"

namespace {

constexpr std::size_t kCap = std::size_t{1} << 20;

void check(const optdyn::IdxArray& array) {
  // Invariants of a successful parse.
  std::size_t total = 1;
  for (std::uint32_t d : array.dims) total *= d;
  if (array.rank() < 1 || array.rank() > optdyn::kIdxMaxRank || total != array.data.size() ||
      array.type_code != 0x08)
    std::abort();
}

int memory_file() {
  static const int fd = memfd_create("idx_fuzz", 0);
  if (fd < 0) std::abort();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  try {
    check(optdyn::parse_idx(bytes, "fuzz", kCap));
  } catch (const optdyn::InputError&) {
  }

  const int fd = memory_file();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size) ||
      lseek(fd, 0, SEEK_SET) != 0)
    std::abort();
  try {
    const auto decompressed = optdyn::read_maybe_gzip_fd(fd, "fuzz.gz", kCap + 4 + 4 * optdyn::kIdxMaxRank);
    check(optdyn::parse_idx(decompressed, "fuzz.gz", kCap));
  } catch (const optdyn::InputError&) {
  }
  return 0;
}
