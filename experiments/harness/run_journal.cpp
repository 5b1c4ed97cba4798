#include "harness/run_journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "harness/output_file.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::harness {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 16;

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
  throw InputError("'" + path.string() + "': " + why);
}

// Opens an existing or new regular file without following a symlink at its name.
int open_regular(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0666);
  if (fd < 0) {
    if (errno == ELOOP) refuse(path, "is a symbolic link (refused, as for every output)");
    refuse(path, std::strerror(errno));
  }
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    refuse(path, "is not a regular file");
  }
  return fd;
}

}  // namespace

RunJournal::RunJournal(fs::path path, std::uint64_t keep_bytes) : path_(std::move(path)) {
  fd_ = open_regular(path_, O_RDWR | O_CREAT);
  struct stat st{};
  if (::fstat(fd_, &st) != 0) fail("", errno);
  if (static_cast<std::uint64_t>(st.st_size) < keep_bytes)
    refuse(path_, "holds " + std::to_string(st.st_size) + " bytes, the checkpoint covers " + std::to_string(keep_bytes));
  if (::ftruncate(fd_, static_cast<off_t>(keep_bytes)) != 0 || ::lseek(fd_, 0, SEEK_END) < 0) fail("", errno);
  size_ = keep_bytes;
  if (keep_bytes > 0) hash_.update(read_prefix(path_, keep_bytes));
}

RunJournal::~RunJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void RunJournal::fail(const std::string& what, int error) const {
  refuse(path_, "cannot write: " + what + std::strerror(error));
}

void RunJournal::flush() {
  if (const int error = write_all(fd_, buffer_)) fail("", error);
  buffer_.clear();
}

void RunJournal::append(std::string_view bytes) {
  buffer_.append(bytes);
  hash_.update(bytes);
  size_ += bytes.size();
  if (buffer_.size() >= kBufferBytes) flush();
}

std::uint64_t RunJournal::sync() {
  flush();
  if (::fsync(fd_) != 0) fail("fsync: ", errno);
  return size_;
}

std::string RunJournal::sha256() const {
  Sha256 copy = hash_;  // digest() finishes a hasher: finish a copy, keep appending to this one
  return copy.hex_digest();
}

void RunJournal::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  ::unlink(path_.c_str());
}

std::string RunJournal::read_prefix(const fs::path& path, std::uint64_t bytes) {
  const int fd = open_regular(path, O_RDONLY);
  struct stat st{};
  if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < bytes) {
    ::close(fd);
    refuse(path, "holds fewer than the " + std::to_string(bytes) + " bytes the checkpoint covers");
  }
  std::string out(bytes, '\0');  // sized by the file, not by the checkpoint's word alone
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      refuse(path, "holds fewer than the " + std::to_string(bytes) + " bytes the checkpoint covers");
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return out;
}

}  // namespace optdyn::harness
