// IDX parsing and zlib file reading; see idx_reader.hpp for the format and the guarantees.
#include "optdyn/data/idx_reader.hpp"

#include <zlib.h>

#include <cerrno>
#include <filesystem>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "optdyn/core/error.hpp"

namespace optdyn {
namespace {

[[noreturn]] void fail(std::string_view name, const std::string& what) {
  throw InputError(std::string(name) + ": " + what);
}

std::string hex(std::uint64_t value, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%0*llx", digits, static_cast<unsigned long long>(value));
  return buffer;
}

const char* type_name(std::uint8_t code) {
  switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return nullptr;
  }
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Closes a gzFile on every path.
struct GzCloser {
  gzFile file;
  ~GzCloser() {
    if (file) gzclose_r(file);
  }
};

// zlib's gzerror() message is "<path>: <what>"; drop the path (we print our own name).
std::string zlib_message(gzFile file, int* code) {
  std::string message = gzerror(file, code);
  if (*code == Z_ERRNO) return std::strerror(errno);
  const std::size_t colon = message.find(": ");
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

[[noreturn]] void fail_zlib(std::string_view name, int code, const std::string& message, std::size_t offset) {
  // gzread fails a whole chunk at once: the error lies at or after `offset`.
  const std::string where = " at or after decompressed byte " + std::to_string(offset);
  if (code == Z_BUF_ERROR) fail(name, "truncated gzip data (" + message + where + ")");
  if (code == Z_ERRNO) fail(name, "read error" + where + ": " + message);
  fail(name, "corrupt gzip data" + where + ": " + message);
}

// A zlib stream read in pieces: read_upto() appends until the buffer holds `limit` bytes
// or the stream ends; finish() reports an error zlib noticed only at the end (a truncated
// stream, a bad CRC) and closes the file.
class GzStream {
 public:
  GzStream(gzFile file, std::string_view name) : closer_{file}, name_(name) { gzbuffer(file, 1 << 17); }

  // Returns false when the stream ended before `limit` bytes.
  bool read_upto(std::vector<std::uint8_t>& out, std::size_t limit) {
    constexpr std::size_t kChunk = 1 << 16;
    while (out.size() < limit) {
      const std::size_t room = limit - out.size();
      const std::size_t want = room < kChunk ? room : kChunk;
      const std::size_t old = out.size();
      out.resize(old + want);
      errno = 0;
      const int got = gzread(closer_.file, out.data() + old, static_cast<unsigned>(want));
      if (got < 0) {
        int code = Z_OK;
        const std::string message = zlib_message(closer_.file, &code);
        fail_zlib(name_, code, message, old);
      }
      out.resize(old + static_cast<std::size_t>(got));
      if (got == 0) return false;
    }
    return true;
  }

  void finish(std::size_t offset) {
    // gzread may return the bytes it got and only then notice a truncated stream.
    int code = Z_OK;
    const std::string message = zlib_message(closer_.file, &code);
    if (code != Z_OK && code != Z_STREAM_END) fail_zlib(name_, code, message, offset);
    gzFile file = closer_.file;
    closer_.file = nullptr;
    const int closed = gzclose_r(file);
    if (closed == Z_BUF_ERROR) fail_zlib(name_, closed, "unexpected end of file", offset);
    if (closed != Z_OK) fail(name_, "error closing the gzip stream (zlib code " + std::to_string(closed) + ")");
  }

 private:
  GzCloser closer_;
  std::string_view name_;
};

std::vector<std::uint8_t> read_gz(gzFile file, std::string_view name, std::size_t max_bytes) {
  GzStream stream(file, name);
  std::vector<std::uint8_t> out;
  // Read one byte past the cap so that "exactly at the cap" and "over it" differ.
  if (stream.read_upto(out, max_bytes + 1))
    fail(name, "decompressed size exceeds the limit of " + std::to_string(max_bytes) + " bytes");
  stream.finish(out.size());
  return out;
}

// Only a regular file is read: a named pipe would block the reader forever and a device
// never ends. The file is opened non-blocking (so that opening a FIFO returns at once) and
// checked with fstat on the open descriptor, so it cannot be swapped after the check.
gzFile open_gz(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const bool directory = S_ISDIR(st.st_mode);
    ::close(fd);
    fail(path, directory ? "is a directory, not an IDX file"
                         : "is not a regular file (devices and pipes are not read)");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  errno = 0;
  gzFile file = gzdopen(fd, "rb");
  if (!file) {
    ::close(fd);
    fail(path, std::string("cannot open: ") + (errno ? std::strerror(errno) : "out of memory"));
  }
  return file;
}

}  // namespace

std::size_t IdxArray::item_size() const {
  std::size_t size = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) size *= dims[i];
  return size;
}

IdxArray parse_idx(std::span<const std::uint8_t> bytes, std::string_view name, std::size_t max_bytes) {
  const std::size_t length = bytes.size();
  if (length < 4)
    fail(name, "short read at byte " + std::to_string(length) + ": the IDX header needs 4 magic bytes");
  const std::uint32_t magic = big_endian_u32(bytes.data());
  if (bytes[0] != 0 || bytes[1] != 0)
    fail(name, "bad magic " + hex(magic, 8) + " (an IDX file starts with two zero bytes, e.g. 0x00000803)");
  const std::uint8_t type = bytes[2];
  const char* type_text = type_name(type);
  if (!type_text) fail(name, "bad magic " + hex(magic, 8) + ": unknown IDX type code " + hex(type, 2));
  if (type != 0x08)
    fail(name, std::string("unsupported IDX type code ") + hex(type, 2) + " (" + type_text +
                   "); only 0x08 (unsigned byte) is supported");
  const int rank = bytes[3];
  if (rank < 1 || rank > kIdxMaxRank)
    fail(name, "unsupported IDX rank " + std::to_string(rank) + " (magic " + hex(magic, 8) + "; expected 1 to " +
                   std::to_string(kIdxMaxRank) + ")");
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(rank);
  if (length < header)
    fail(name, "short read at byte " + std::to_string(length) + ": the header of a rank-" + std::to_string(rank) +
                   " IDX file has " + std::to_string(header) + " bytes");

  IdxArray array;
  array.type_code = type;
  array.dims.resize(static_cast<std::size_t>(rank));
  std::size_t total = 1;  // element size is 1 (unsigned byte)
  for (int i = 0; i < rank; ++i) {
    const std::uint32_t d = big_endian_u32(bytes.data() + 4 + 4 * i);
    array.dims[static_cast<std::size_t>(i)] = d;
    // Overflow-free: total ≤ max_bytes before the multiplication and d < 2^32.
    if (d != 0 && total > max_bytes / d) {
      std::string shape;
      for (int j = 0; j < rank; ++j)
        shape += (j ? " x " : "") + std::to_string(big_endian_u32(bytes.data() + 4 + 4 * j));
      fail(name, "declared shape " + shape + " exceeds the limit of " + std::to_string(max_bytes) + " bytes");
    }
    total *= d;
  }
  const std::size_t available = length - header;
  if (available < total)
    fail(name, "short read at byte " + std::to_string(length) + ": the header declares " + std::to_string(total) +
                   " data bytes (ending at byte " + std::to_string(header + total) + ")");
  if (available > total)
    fail(name, std::to_string(available - total) + " trailing bytes after the declared data (which ends at byte " +
                   std::to_string(header + total) + ")");
  array.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return array;
}

std::vector<std::uint8_t> read_maybe_gzip_file(const std::string& path, std::size_t max_bytes) {
  return read_gz(open_gz(path), path, max_bytes);
}

std::vector<std::uint8_t> read_maybe_gzip_fd(int fd, std::string_view name, std::size_t max_bytes) {
  const int copy = dup(fd);
  if (copy < 0) fail(name, std::string("cannot duplicate the file descriptor: ") + std::strerror(errno));
  gzFile file = gzdopen(copy, "rb");
  if (!file) {
    close(copy);
    fail(name, "cannot open the file descriptor through zlib");
  }
  return read_gz(file, name, max_bytes);
}

// Reads the header first and then only as many bytes as it declares, plus one to detect
// trailing data: a huge file, an endless device (/dev/zero) or a gzip bomb costs at most
// the declared size (itself capped by max_bytes), not the whole stream.
// Reads the header first and then only as many bytes as it declares, plus one to detect
// trailing data: a huge file, an endless device (/dev/zero) or a gzip bomb costs at most
// the declared size (itself capped by max_bytes), not the whole stream.
IdxArray read_idx_file(const std::string& path, std::size_t max_bytes) {
  GzStream stream(open_gz(path), path);
  std::vector<std::uint8_t> bytes;
  bool ended = !stream.read_upto(bytes, 4);
  if (!ended && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08 && bytes[3] >= 1 && bytes[3] <= kIdxMaxRank) {
    const std::size_t header = 4 + 4 * static_cast<std::size_t>(bytes[3]);
    ended = !stream.read_upto(bytes, header);
    if (!ended) {
      std::size_t total = 1;  // element size 1; overflow-free as in parse_idx
      bool over = false;
      for (std::size_t i = 4; i < header && !over; i += 4) {
        const std::uint32_t d = big_endian_u32(bytes.data() + i);
        over = d != 0 && total > max_bytes / d;
        if (!over) total *= d;
      }
      if (!over) {
        ended = !stream.read_upto(bytes, header + total + 1);
        if (!ended)
          fail(path, "trailing bytes after the declared data (which ends at byte " + std::to_string(header + total) +
                         ")");
      }
    }
  }
  // A stream that ended is checked by zlib first (truncated or corrupt gzip); parse_idx
  // then reports header, size and short-read errors on the bytes read.
  if (ended) stream.finish(bytes.size());
  return parse_idx(bytes, path, max_bytes);
}

}  // namespace optdyn
