#pragma once
// Reader for IDX files, the format of MNIST and Fashion-MNIST
// (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS"):
//
//   bytes 0–1  zero
//   byte  2    type code: 0x08 unsigned byte (the only type supported here; 0x09 int8,
//              0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64 are recognised and rejected)
//   byte  3    rank r (number of dimensions), 1 ≤ r ≤ kIdxMaxRank
//   then r big-endian uint32 dimensions, then the data in row-major (C) order.
//
// So images are magic 0x00000803 (n × rows × cols) and labels 0x00000801 (n).
//
// Untrusted input: the parser validates every field and throws InputError with ONE line
// "<name>: <what is wrong>" on anything unexpected — short header or data ("short read at
// byte N"), bad magic, unsupported type or rank, a declared size that overflows or exceeds
// the cap, trailing bytes after the declared data. It never allocates more than the cap
// (the declared size is checked before anything is allocated) and never crashes; a libFuzzer
// target (tests/fuzz/idx_fuzz.cpp) checks that.
//
// Files are read through zlib (gzopen/gzread): gzip-compressed files are inflated, other
// files are passed through unchanged, so `.gz` and raw IDX files both work. Corrupt or
// truncated gzip streams are reported with zlib's message.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace optdyn {

inline constexpr int kIdxMaxRank = 4;
// Largest decompressed file accepted (and so the largest data block): 1 GiB. The
// Fashion-MNIST training images are 47 MB.
inline constexpr std::size_t kIdxDefaultMaxBytes = std::size_t{1} << 30;

struct IdxArray {
  std::uint8_t type_code = 0x08;
  std::vector<std::uint32_t> dims;  // outermost first, e.g. {n, rows, cols}
  std::vector<std::uint8_t> data;   // product(dims) bytes, row-major

  int rank() const { return static_cast<int>(dims.size()); }
  // Number of elements of one item (product of dims after the first); 1 for rank 1.
  std::size_t item_size() const;
};

// Parses a whole IDX file held in memory. `name` (usually the path) starts every error
// message. `max_bytes` caps the declared data size.
IdxArray parse_idx(std::span<const std::uint8_t> bytes, std::string_view name,
                   std::size_t max_bytes = kIdxDefaultMaxBytes);

// Reads a whole file through zlib (gzip or raw), at most `max_bytes` decompressed bytes.
// Errors: missing/unreadable file, corrupt or truncated gzip, size over the cap.
std::vector<std::uint8_t> read_maybe_gzip_file(const std::string& path,
                                               std::size_t max_bytes = kIdxDefaultMaxBytes);
// The same on an open file descriptor (which is NOT closed or taken over; it is dup'ed).
// Used by the fuzzer on a memfd so that the gzip path is fuzzed too.
std::vector<std::uint8_t> read_maybe_gzip_fd(int fd, std::string_view name,
                                             std::size_t max_bytes = kIdxDefaultMaxBytes);

// Reads and parses an IDX file (gzip or raw). Streams: reads the header, then only the
// declared data size plus one byte (to detect trailing data), so a huge file, a gzip bomb
// or an endless device such as /dev/zero costs at most the declared size (≤ max_bytes).
IdxArray read_idx_file(const std::string& path, std::size_t max_bytes = kIdxDefaultMaxBytes);

}  // namespace optdyn
